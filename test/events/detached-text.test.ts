// detachedText: the same text, as a string of its own.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { detachedText } from '../../src/events/detached-text.js';
import { ROOT } from '../cli/helpers.js';

describe('detachedText', () => {
  test('returns equal text, lone surrogates and astral characters included', () => {
    for (const s of ['', 'short', 'a'.repeat(20), 'café 😀 '.repeat(5), `lone \ud800 high ${'x'.repeat(20)}`, `lone \udc00 low ${'y'.repeat(20)}`]) {
      expect(detachedText(s)).toBe(s);
    }
  });

  test('frames split from long lines and interned keep only their own text alive (measured in a child with --expose-gc)', () => {
    // 200 distinct 1.2 MB `frames` values: V8's views of them would keep 240 MB alive through 200 short frames.
    const script = `
      const { StackTable } = await import(${JSON.stringify(join(ROOT, 'dist', 'src', 'events', 'stack-table.js'))});
      const t = new StackTable();
      for (let i = 0; i < 200; i++) t.intern((\`frame \${i} of a long line;\`).repeat(50000).split(';').slice(0, 1));
      globalThis.gc();
      process.stdout.write(String(process.memoryUsage().heapUsed));`;
    const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(Number(r.stdout)).toBeLessThan(50 * 1024 * 1024);
  });
});
