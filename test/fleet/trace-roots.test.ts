// What a worker may read: paths under its roots once links and `..` are
// resolved, and http(s) URLs; everything else is refused as a final failure.

import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { realTraceRoots, refuseOutsideRoots } from '../../src/fleet/trace-roots.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'memreplay-roots-')));
const root = join(base, 'root');
mkdirSync(join(root, 'sub'), { recursive: true });
writeFileSync(join(root, 'sub', 't.csv'), 'op,addr,size\n');
writeFileSync(join(base, 'outside.csv'), 'op,addr,size\n');
symlinkSync(join(base, 'outside.csv'), join(root, 'link.csv'));
symlinkSync(join(root, 'sub', 't.csv'), join(base, 'in-link.csv'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const refusal = (trace: string, cwd = root): string | undefined => {
  try {
    refuseOutsideRoots(trace, cwd, [root]);
    return undefined;
  } catch (e) {
    expect((e as Error).name).toBe('UnrecoverableError');
    return (e as Error).message;
  }
};

describe('refuseOutsideRoots', () => {
  test('lets through paths under a root, relative or absolute, and http(s) URLs', () => {
    expect(refusal('sub/t.csv')).toBeUndefined();
    expect(refusal(join(root, 'sub', 't.csv'), '/')).toBeUndefined();
    // A link from outside that lands inside is read where it lands.
    expect(refusal(join(base, 'in-link.csv'), '/')).toBeUndefined();
    // Not there: fails later as "cannot read trace", under the root.
    expect(refusal('sub/missing.csv')).toBeUndefined();
    expect(refusal('https://bucket.example.com/t.csv.gz?X-Amz-Signature=1')).toBeUndefined();
  });

  test('refuses what leads out of the roots: .., links, absolute paths, a root that is only a prefix, other URL schemes', () => {
    expect(refusal('../outside.csv')).toBe("refused job: ../outside.csv is outside this worker's trace roots");
    expect(refusal('link.csv')).toBe("refused job: link.csv is outside this worker's trace roots");
    expect(refusal('/etc/passwd')).toBe("refused job: /etc/passwd is outside this worker's trace roots");
    expect(refusal(`${root}-other/t.csv`, '/')).toMatch(/is outside this worker's trace roots$/);
    expect(refusal('t.csv', base)).toMatch(/is outside/);
    expect(refusal('file:///etc/passwd')).toBe('refused job: file URLs are not read, only http and https');
    expect(refusal('ftp://h/t.csv')).toBe('refused job: ftp URLs are not read, only http and https');
  });
});

describe('realTraceRoots', () => {
  test('resolves each root to its real path; a missing one is named', () => {
    expect(realTraceRoots(['root'], base)).toEqual([root]);
    expect(() => realTraceRoots(['nope'], base)).toThrow('--trace-root nope: no such directory');
  });
});
