// A writer killed with SIGKILL between writing its temporary file and
// renaming it into place leaves the hidden temporary behind; the next
// memreplay that writes to that directory removes it - but never the
// temporary file of a writer that is still running.

import { spawn, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURES, memreplay, ROOT, tempDir } from './helpers.js';

const STARTUP = join(FIXTURES, 'startup-3.11.csv.gz');
const TEMP_FILES = pathToFileURL(join(ROOT, 'dist', 'src', 'io', 'temp-files.js')).href;

/** A node process that writes a temporary file for `target` as memreplay does, then `then`s. */
function writerScript(target: string, then: string): string {
  return `import { writeFileSync } from 'node:fs';
import { tempPathFor } from ${JSON.stringify(TEMP_FILES)};
writeFileSync(tempPathFor(${JSON.stringify(target)}), 'half a report');
process.stdout.write('written\\n');
${then}`;
}

describe('temporary files of killed writers', () => {
  it('are removed by the next write to their directory; a running writer\'s is kept', async () => {
    const dir = tempDir();
    // Killed before its rename, as SIGKILL would catch it.
    const killed = spawnSync(process.execPath, ['--input-type=module', '-e', writerScript(join(dir, 'old.txt'), "process.kill(process.pid, 'SIGKILL');")]);
    expect(killed.signal).toBe('SIGKILL');
    const leftover = readdirSync(dir);
    expect(leftover).toHaveLength(1);
    expect(leftover[0]).toMatch(/^\.old\.txt~memreplay-\d+-.*\.tmp$/);

    // Still running while memreplay writes beside it.
    const running = spawn(process.execPath, ['--input-type=module', '-e', writerScript(join(dir, 'slow.txt'), 'setInterval(() => {}, 1000);')]);
    try {
      await new Promise<void>((done) => running.stdout.once('data', () => done()));
      const r = memreplay(['analyze', STARTUP, '-q', '-o', join(dir, 'r.txt')]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const names = readdirSync(dir).sort();
      expect(names).not.toContain(leftover[0]);
      expect(names).toHaveLength(2);
      expect(names[0]).toMatch(new RegExp(`^\\.slow\\.txt~memreplay-${running.pid}-.*\\.tmp$`));
      expect(names[1]).toBe('r.txt');
    } finally {
      running.kill('SIGKILL');
    }
  });
});
