// The progress line: what it says, how often it redraws, and that messages
// and the end of the batch leave no trace of it.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProgressLine } from '../../src/batch/progress-line.js';

const CLEAR = '\r\u001b[K';

function setup(sizes: number[], columns = 200) {
  const dir = mkdtempSync(join(tmpdir(), 'memreplay-progress-'));
  const inputs = sizes.map((n, i) => {
    const file = join(dir, `trace-${i}.csv`);
    writeFileSync(file, Buffer.alloc(n));
    return file;
  });
  const writes: string[] = [];
  let clock = 0;
  const line = new ProgressLine({ write: (t: string) => writes.push(t), columns }, 'analyze', () => clock);
  return { inputs, writes, line, tick: (ms: number) => (clock += ms) };
}

describe('ProgressLine', () => {
  it('shows traces done, bytes of the total, the rate and the file being read', () => {
    const { inputs, writes, line, tick } = setup([1024 * 1024, 3 * 1024 * 1024]);
    line.start(inputs);
    expect(writes.at(-1)).toBe(`${CLEAR}analyze: 0/2 traces · 0 B of 4.00 MiB (0%)`);
    line.taskStarted(0);
    tick(1000);
    line.taskProgress(0, 512 * 1024, 1024 * 1024);
    expect(line.line()).toBe('analyze: 0/2 traces · 512 KiB of 4.00 MiB (12%) · 512 KiB/s · trace-0.csv');
    line.taskStarted(1);
    expect(line.line()).toMatch(/ · trace-1\.csv \+1$/);
    line.taskDone(0, { input: inputs[0]!, ok: false, error: { message: 'x', internal: false } });
    expect(line.line()).toBe('analyze: 1/2 traces (1 failed) · 1.00 MiB of 4.00 MiB (25%) · 1.00 MiB/s · trace-1.csv');
  });

  it('redraws at most ten times a second', () => {
    const { inputs, writes, line, tick } = setup([100]);
    line.start(inputs);
    line.taskStarted(0);
    for (let i = 0; i < 50; i++) {
      line.taskProgress(0, i, 100);
      tick(10);
    }
    // 500 ms of updates every 10 ms: the first draw plus one per 100 ms.
    expect(writes.length).toBeLessThanOrEqual(6);
    expect(writes.length).toBeGreaterThanOrEqual(5);
  });

  it('prints messages on a line of their own and redraws below them', () => {
    const { inputs, writes, line } = setup([100]);
    line.start(inputs);
    writes.length = 0;
    line.print('memreplay: bad.csv:2: unknown op\n');
    expect(writes).toEqual([CLEAR, 'memreplay: bad.csv:2: unknown op\n', `${CLEAR}analyze: 0/1 trace · 0 B of 100 B (0%)`]);
  });

  it('clears itself at the end and draws nothing after', () => {
    const { inputs, writes, line } = setup([100]);
    line.start(inputs);
    line.finish();
    expect(writes.at(-1)).toBe(CLEAR);
    writes.length = 0;
    line.print('late\n');
    line.taskStarted(0);
    expect(writes).toEqual(['late\n']);
  });

  it('shows bytes without a total when an input has no known size (stdin)', () => {
    const { inputs, line } = setup([100]);
    line.start([...inputs, '-']);
    line.taskStarted(1);
    line.taskProgress(1, 2048, undefined);
    expect(line.line()).toBe('analyze: 0/2 traces · 2.00 KiB · <stdin>');
  });

  it('fits the terminal and makes control characters in file names harmless', () => {
    const { writes, line } = setup([], 40);
    line.start(['/traces/evil\u001b[2Jname-that-goes-on-and-on.csv']);
    line.taskStarted(0);
    const text = line.line();
    expect(text).toHaveLength(39);
    expect(text.endsWith('…')).toBe(true);
    expect(text).not.toMatch(/\u001b/);
    expect(writes.join('')).not.toMatch(/\u001b\[2J/);
  });
});
