// A sample of the fuzz cases through the real command line, under the heap
// limit the project promises to live within (node --max-old-space-size=512):
// `stats -` for event traces and `diff - FILE` for snapshots, the bytes on
// stdin. Each run ends with exit 0, or exit 2 and exactly one line, never a
// stack or an internal error; what the in-process read refused, the CLI
// refuses. The in-process fuzz tests cover the readers; this covers
// what lies between them and the user (the replayer, the error mapping).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { buildCase, isEventKind, runCase } from '../../fuzz/campaign.js';
import { Seeds } from '../../fuzz/seeds.js';
import { hasStackTrace, memreplay, tempDir } from '../cli/helpers.js';

const SEED = 20261207;
const CASES = 16;
const HEAP = { NODE_OPTIONS: '--max-old-space-size=512' };

test(`${CASES} fuzz cases through the CLI: exit 0, or exit 2 with one line`, async () => {
  const seeds = new Seeds();
  const dir = tempDir();
  const other = join(dir, 'other.pickle');
  writeFileSync(other, seeds.pickles[0]!);
  const seen = { ok: 0, refused: 0 };
  for (let index = 0; index < CASES; index++) {
    const c = buildCase(seeds, SEED, index);
    const { outcome } = await runCase(c, SEED, { slowMs: Number.POSITIVE_INFINITY });
    const event = isEventKind(c.kind);
    const args = event
      ? ['stats', '-', ...(c.options.lenient ? ['--lenient'] : []), ...(c.options.format ? ['--trace-format', c.options.format] : [])]
      : ['diff', '-', other];
    const r = memreplay(args, Buffer.from(c.bytes), dir, HEAP);
    const what = `case ${index} (${c.kind}, ${c.origin}${c.gzip ? ', gzip' : ''}): memreplay ${args.join(' ')}\n${r.stderr}`;
    expect(hasStackTrace(r.stderr), what).toBe(false);
    expect([0, 2], what).toContain(r.code);
    if (r.code === 2) {
      seen.refused++;
      expect(r.stderr, what).toMatch(/^memreplay: [^\n]+\n$/);
    } else {
      seen.ok++;
      // What the reader refused, the CLI must refuse (it may refuse more: the replayer checks the metadata too).
      expect(outcome === null || outcome.kind === 'ok', what).toBe(true);
    }
  }
  expect(seen.ok).toBeGreaterThan(0);
  expect(seen.refused).toBeGreaterThan(0);
}, 240_000);
