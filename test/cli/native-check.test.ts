// Issue 14's "Done when" on hand-written traces of the native contract: a C
// extension whose push() leaks a malloc'd copy per call once its ring wraps
// makes `check --json` exit 1, naming the C function that called malloc and
// the Python line that called push(); its leak-free twin exits 0.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COPY_FRAME, PUSH_LINE, ringTrace } from '../fixtures/native/ring-trace.js';
import { memreplay, tempDir } from './helpers.js';

function traces(): { leaky: string; clean: string } {
  const dir = tempDir();
  const leaky = join(dir, 'leaky.csv');
  const clean = join(dir, 'clean.csv');
  writeFileSync(leaky, ringTrace(20, true));
  writeFileSync(clean, ringTrace(20, false));
  return { leaky, clean };
}

describe('memreplay check on a native leak', () => {
  it('exits 1 on the leaky ring, naming the C function that called malloc and the Python line that called push()', () => {
    const { leaky } = traces();
    const r = memreplay(['check', leaky, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const trace = JSON.parse(r.stdout).traces[0];
    expect(trace.passed).toBe(false);
    expect(trace.exactness.state).toBe('exact');
    const failed = trace.budgets.find((b: { passed: boolean }) => !b.passed);
    expect(failed.budget).toBe('steadyLeakSites');
    expect(failed.sites).toHaveLength(1);
    const site = trace.leaks.sites.find((s: { key: string }) => s.key === failed.sites[0]);
    expect(site.growth.class).toBe('steady_leak');
    // The C function that called malloc, and the Python line that called push().
    expect(site.key).toBe(`${COPY_FRAME} <- ${PUSH_LINE}`);
    expect(site.native).toEqual({ function: 'copy_item', object: '_ring.cpython-311-x86_64-linux-gnu.so', offset: '0x11a0', file: 'ring.c', line: 12 });
    expect(`${site.location.file}:${site.location.line}`).toBe(PUSH_LINE);
  });

  it('puts the SARIF result at the Python line that called push()', () => {
    const { leaky } = traces();
    const sarif = join(dirname(leaky), 'out.sarif');
    expect(memreplay(['check', leaky, '--sarif', sarif], undefined, dirname(leaky)).code).toBe(1);
    const results = JSON.parse(readFileSync(sarif, 'utf8')).runs[0].results;
    expect(results).toHaveLength(1);
    const at = results[0].locations[0].physicalLocation;
    expect(`${at.artifactLocation.uri}:${at.region.startLine}`).toBe(PUSH_LINE);
    expect(results[0].message.text).toContain(COPY_FRAME);
  });

  it('judges the native blocks of leaks --by function by C function and Python line', () => {
    const { leaky } = traces();
    const doc = JSON.parse(memreplay(['leaks', leaky, '--by', 'function', '--json']).stdout);
    const keys = doc.sites.filter((s: { growth: { class: string } }) => s.growth.class === 'steady_leak').map((s: { key: string }) => s.key);
    expect(keys).toEqual([`copy_item [_ring.cpython-311-x86_64-linux-gnu.so] <- ${PUSH_LINE}`]);
  });

  it('exits 0 on the leak-free twin', () => {
    const { clean } = traces();
    const r = memreplay(['check', clean, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('holds each trace to budgets by domain, from flags or the config, naming the native sites over them', () => {
    const { leaky, clean } = traces();
    const dir = dirname(leaky);
    // Live native bytes at the end: the ring array, its 4 copies, and (leaky) each copy it lost.
    const r = memreplay(['check', clean, leaky, '--json', '--max-native-leaked-bytes', '512', '--max-leak-sites', '9']);
    expect(r.code).toBe(1);
    const [c, l] = JSON.parse(r.stdout).traces;
    const outcome = (t: { budgets: { budget: string }[] }) => t.budgets.find((b) => b.budget === 'nativeLeakedBytes') as unknown as { actual: number; passed: boolean; sites: string[] };
    expect(c.summary.nativeLeakedBytes).toBe(32 + 4 * 64);
    expect(outcome(c).passed).toBe(true);
    expect(outcome(l)).toMatchObject({ actual: 32 + 20 * 64, passed: false });
    expect(outcome(l).sites).toContain(`${COPY_FRAME} <- ${PUSH_LINE}`);
    // The same budgets from the config file, with the peaks of the native heap and of mappings.
    writeFileSync(join(dir, 'memreplay.json'), JSON.stringify({ check: { budgets: { steadyLeakSites: 9, peakNativeHeapBytes: '1 KiB', peakMmapBytes: 0 } } }));
    const byConfig = memreplay(['check', clean, leaky, '--json', '--config', join(dir, 'memreplay.json')]);
    expect(byConfig.stderr).toBe('');
    const [cc, lc] = JSON.parse(byConfig.stdout).traces;
    expect(cc.passed).toBe(true);
    expect(lc.passed).toBe(false);
    expect(lc.leaks.memory.native.peakHeapBytes.value).toBe(32 + 20 * 64);
    expect(lc.leaks.memory.native.peakMmapBytes.value).toBe(0);
  });

  it('refuses a bad native record with one line naming file and line, no stack trace', () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, ['# native: true', 'op,addr,size,old_addr,domain', 'alloc,0x560000000010,16,,native', 'mmap,0x7f0000000000,4096,,raw', ''].join('\n'));
    const r = memreplay(['check', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`memreplay: ${bad}:4: mmap with domain raw: a mapping's domain is native or empty\n`);
    const jsonl = join(dir, 'bad.jsonl');
    writeFileSync(jsonl, '{"op":"mremap","addr":"0x7f0000000000","size":4096}\n');
    const j = memreplay(['stats', jsonl]);
    expect(j.code).toBe(2);
    expect(j.stderr).toBe(`memreplay: ${jsonl}:1: missing old_addr: mremap needs addr, size and old_addr\n`);
  });
});
