// The mark a trace names as its end is not an iteration boundary; a trace
// that names none may label its own marks `end`, and those count.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLeaks } from '../../src/run/leaks.js';
import { tempDir } from '../cli/helpers.js';
import { iterationsTrace } from '../analyzers/trace-writer.js';

describe('the end mark and leak boundaries', () => {
  it('the trace\'s own end mark is no boundary, like stats and final', async () => {
    const path = join(tempDir(), 'ended.csv');
    const body = iterationsTrace(5, false).replace('# python: 3.11.7\n', '# python: 3.11.7\n# end_mark: end\n');
    writeFileSync(path, body + 'mark,,,,,999999,1,,,end\n');
    const r = await findLeaks(path);
    expect(r.completeness.state).toBe('complete');
    expect(r.growth.boundaries).toBe(5);
    expect(r.marks.labels.map((l) => l.label)).toEqual(['iteration *', 'end']);
  });

  it('marks labelled end in a trace that names no end mark are iterations', async () => {
    const path = join(tempDir(), 'own-end.csv');
    writeFileSync(path, iterationsTrace(5, false).replaceAll(/,iteration \d+$/gm, ',end'));
    const r = await findLeaks(path);
    expect(r.completeness.state).toBe('unknown');
    expect(r.growth.boundaries).toBe(5);
  });
});
