// `memreplay flamegraph` as a user runs it: the three outputs from one
// trace, the instants, and the usage and input errors as one line each.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, memreplay, ROOT, tempDir } from './helpers.js';

const TRACE = join(ROOT, 'traces', 'leak-3.11.csv.gz');

describe('memreplay flamegraph', () => {
  it('writes the SVG, the folded stacks and the speedscope file of one instant, saying so', () => {
    const dir = tempDir();
    const [svg, folded, speedscope] = ['f.svg', 'f.folded', 'f.json'].map((n) => join(dir, n)) as [string, string, string];
    const r = memreplay(['flamegraph', TRACE, '-o', svg, '--folded', folded, '--speedscope', speedscope, '--weight', 'blocks', '--at-end']);
    expect(r.stderr).toBe(`Wrote ${svg}\nWrote ${folded}\nWrote ${speedscope}\n`);
    expect(r.code).toBe(0);
    const picture = readFileSync(svg, 'utf8');
    expect(picture).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(picture).toContain('at the end of the trace');
    // The folded weights (blocks) add up to the root's figure in the picture.
    const blocks = readFileSync(folded, 'utf8')
      .trimEnd()
      .split('\n')
      .reduce((n, line) => n + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
    expect(picture).toContain(`${blocks.toLocaleString('en-US')} blocks`);
    expect(JSON.parse(readFileSync(speedscope, 'utf8')).profiles[2].endValue).toBe(blocks);
  });

  it('takes the footprint high-water mark by default, and a mark or an event when asked', () => {
    const dir = tempDir();
    const peak = memreplay(['flamegraph', TRACE, '-o', join(dir, 'peak.svg')]);
    expect(peak.code).toBe(0);
    expect(readFileSync(join(dir, 'peak.svg'), 'utf8')).toMatch(/at the footprint high-water mark \([0-9.]+ [KMG]iB, event [0-9,]+\)/);
    const event = memreplay(['flamegraph', TRACE, '--at-event', '1000', '--folded', join(dir, 'e.folded')]);
    expect(event.code).toBe(0);
    const missing = memreplay(['flamegraph', TRACE, '--at', 'no-such-mark', '--folded', join(dir, 'm.folded')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no-such-mark/);
    expect(existsSync(join(dir, 'm.folded'))).toBe(false);
  });

  it('refuses to overwrite without --force, to run without an output, and reads the peak from a file only', () => {
    const dir = tempDir();
    const svg = join(dir, 'f.svg');
    writeFileSync(svg, 'old');
    const kept = memreplay(['flamegraph', TRACE, '-o', svg, '--at-end']);
    expect(kept.code).toBe(2);
    expect(kept.stderr).toBe(`memreplay: ${svg} exists; pass --force to overwrite it\n`);
    expect(readFileSync(svg, 'utf8')).toBe('old');
    expect(memreplay(['flamegraph', TRACE, '-o', svg, '--at-end', '--force']).code).toBe(0);
    const none = memreplay(['flamegraph', TRACE]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^memreplay: name an output: -o FILE.svg, --folded FILE or --speedscope FILE\n/);
    for (const r of [kept, none]) expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('takes the footprint high-water mark from standard input too (one read of the trace), as from the file', () => {
    const dir = tempDir();
    const [fromFile, fromStdin] = [join(dir, 'file.folded'), join(dir, 'stdin.folded')];
    expect(memreplay(['flamegraph', TRACE, '--folded', fromFile]).code).toBe(0);
    const stdin = memreplay(['flamegraph', '-', '--folded', fromStdin], readFileSync(TRACE));
    expect(stdin.stderr).toBe(`Wrote ${fromStdin}\n`);
    expect(stdin.code).toBe(0);
    expect(readFileSync(fromStdin, 'utf8')).toBe(readFileSync(fromFile, 'utf8'));
    expect(readFileSync(fromFile, 'utf8').length).toBeGreaterThan(0);
  });

  it('works on every sample trace: at the end, the folded stacks add up to the live bytes analyze reports there', () => {
    const dir = tempDir();
    const samples = readdirSync(join(ROOT, 'traces')).filter((f) => f.endsWith('.csv.gz'));
    expect(samples.length).toBeGreaterThan(3);
    for (const name of samples) {
      const trace = join(ROOT, 'traces', name);
      const folded = join(dir, `${name}.folded`);
      const r = memreplay(['flamegraph', trace, '--at-end', '--folded', folded, '-q']);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      const sum = readFileSync(folded, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .reduce((n, line) => n + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
      const analyzed = JSON.parse(memreplay(['analyze', trace, '--at-end', '--json']).stdout);
      expect(sum, name).toBe(analyzed.traces[0].judged.liveRequestedBytes);
    }
  });
});

describe('flamegraph of a trace recorded with --native', () => {
  it('shows native blocks in the live-bytes flame with their C frames under the Python line, and no mappings', () => {
    const mixed = join(ROOT, 'test', 'fixtures', 'native', 'mixed.csv');
    const dir = tempDir();
    const folded = join(dir, 'n.folded');
    const r = memreplay(['flamegraph', mixed, '--folded', folded, '--at-end']);
    expect(r.code).toBe(0);
    const lines = readFileSync(folded, 'utf8').trim().split('\n');
    // The realloc'd block (200 B) at copy_item, under push (ring.py:12); the 64 KiB mapping made from the same stack is not a block.
    expect(lines).toContain('_start [python3.11+0x1040];main.py:3;push (ring.py:12);ring_push (ring.c:41) [_ring.cpython-311-x86_64-linux-gnu.so+0x1234];copy_item (ring.c:12) [_ring.cpython-311-x86_64-linux-gnu.so+0x11a0] 200');
    expect(lines).toContain('main.py:2 16');
    expect(lines).toHaveLength(2);
  });
});
