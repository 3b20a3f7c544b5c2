// Whether a trace holds the whole run: the end mark its header names, the
// legacy `final` of memreplay record's older recordings, or its word.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { completenessOf, endMarkOf } from '../../src/replay/completeness.js';
import { replayTrace } from '../../src/run/replay-trace.js';
import { tempDir } from '../cli/helpers.js';

const RECORDER = '# recorder: memreplay record, embedding launcher: PyMem_SetAllocator (OBJ, MEM)';
const BODY = [
  'op,addr,size,old_addr,domain,ts,thread,stack,frames,label',
  'alloc,0x7f0000000030,48,,obj,1,1,,,',
  'free,0x7f0000000030,,,obj,2,1,,,',
  'mark,,,,,3,1,,,stats',
  'mark,,,,,4,1,,,final',
];

async function stateOf(lines: string[], options: { stopAtMark?: string } = {}): Promise<{ state: string; reason: string }> {
  const path = join(tempDir(), 't.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  const { completeness } = await replayTrace(path, options);
  return completeness;
}

describe('trace completeness', () => {
  it('a memreplay recording is complete when its last record is the end mark its header names', async () => {
    const header = ['# python: 3.11.7', RECORDER, '# complete: true', '# end_mark: end'];
    expect((await stateOf([...header, ...BODY, 'mark,,,,,5,1,,,end'])).state).toBe('complete');
    // Cut short: os._exit, a crash, a kill (no end mark written).
    const cut = await stateOf([...header, ...BODY]);
    expect(cut.state).toBe('incomplete');
    expect(cut.reason).toMatch(/does not end with its "end" mark: the recording was cut short/);
    // A file cut at a line end during a copy: the end mark was there, then was lost.
    expect((await stateOf([...header, ...BODY.slice(0, 3)])).state).toBe('incomplete');
    // The end mark must be the last record, not merely present.
    expect((await stateOf([...header, ...BODY.slice(0, 2), 'mark,,,,,5,1,,,end', ...BODY.slice(2)])).state).toBe('incomplete');
  });

  it('a memreplay recording from before the end mark is judged by its final mark (written only after finalizing)', async () => {
    const header = ['# python: 3.11.7', RECORDER, '# complete: true'];
    expect(endMarkOf({ recorder: 'memreplay record, embedding launcher' })).toBe('final');
    expect((await stateOf([...header, ...BODY])).state).toBe('complete');
    expect((await stateOf([...header, ...BODY.slice(0, 4)])).state).toBe('incomplete');
  });

  it('a trace without recorder metadata is judged by what it claims', async () => {
    expect((await stateOf(['# python: 3.11.7', '# recorder: pyrec 2', '# complete: true', ...BODY.slice(0, 3)])).state).toBe('complete');
    const unknown = await stateOf(BODY.slice(0, 3));
    expect(unknown.state).toBe('unknown');
    expect(unknown.reason).toMatch(/does not say/);
    const partial = await stateOf(['# complete: false', ...BODY]);
    expect(partial.state).toBe('incomplete');
    expect(partial.reason).toMatch(/# complete: false/);
  });

  it('JSONL traces name their end mark in the meta line', async () => {
    const dir = tempDir();
    const path = join(dir, 't.jsonl');
    const meta = '{"op":"meta","python":"3.11.7","complete":true,"end_mark":"done"}';
    const alloc = '{"op":"alloc","addr":"0x7f0000000030","size":48}';
    writeFileSync(path, [meta, alloc, '{"op":"mark","label":"done"}'].join('\n') + '\n');
    expect((await replayTrace(path)).completeness.state).toBe('complete');
    writeFileSync(path, [meta, alloc].join('\n') + '\n');
    expect((await replayTrace(path)).completeness.state).toBe('incomplete');
  });

  it('a replay stopped at --at has not read the end: not known, not incomplete', async () => {
    const header = ['# python: 3.11.7', RECORDER, '# complete: true', '# end_mark: end'];
    const at = await stateOf([...header, ...BODY], { stopAtMark: 'stats' });
    expect(at.state).toBe('unknown');
    expect(at.reason).toMatch(/^not checked: the replay stopped before the end/);
  });

  it('labels from the trace are quoted and cut in the reason', () => {
    const c = completenessOf({ end_mark: 'x'.repeat(500) }, { events: 1, lastMark: '', lastMarkEvent: 0, stoppedEarly: false });
    expect(c.state).toBe('incomplete');
    expect(c.reason.length).toBeLessThan(250);
    expect(c.reason).toContain(`"${'x'.repeat(60)}…"`);
  });
});
