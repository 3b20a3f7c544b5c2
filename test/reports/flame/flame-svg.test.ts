// The SVG icicle: exact widths, a <title> on every frame, a bounded number
// of frames, labels that fit, and trace text that stays text.

import { describe, expect, it } from 'vitest';
import { callTreeOf } from '../../../src/analyzers/call-tree.js';
import { flameGraphSvg, flameSubtitle, labelFor, wrapText } from '../../../src/reports/flame/flame-svg.js';
import { measureText } from '../../../src/reports/html/text-width.js';
import { bytes, percent } from '../../../src/text/units.js';
import { liveOf, stack } from './stacks.js';

const WIDTH = 1200;
/** The drawing's inner width: the picture less 10 px of padding on each side. */
const INNER = WIDTH - 20;

interface Frame {
  title: string;
  x: number;
  y: number;
  width: number;
}

function framesOf(svg: string): Frame[] {
  const frames: Frame[] = [];
  for (const m of svg.matchAll(/<g><title>([^<]*)<\/title><rect x="([^"]+)" y="([^"]+)" width="([^"]+)"/g)) {
    frames.push({ title: m[1]!, x: Number(m[2]), y: Number(m[3]), width: Number(m[4]) });
  }
  return frames;
}

const svgOf = (live: ReturnType<typeof liveOf>, maxFrames = 1000, minFraction = 0.001): string => {
  const tree = callTreeOf(live, 'requested', { maxFrames, minFraction });
  return flameGraphSvg(tree, { title: 't', subtitle: flameSubtitle(tree, 'file'), colourBy: 'file', width: WIDTH });
};

describe('the flame graph SVG', () => {
  const live = liveOf([
    stack(['main (app.py:1)', 'load (app.py:20)'], 3, 3000),
    stack(['main (app.py:1)', 'parse (lib/p.py:7)'], 1, 1000),
    stack(['main (app.py:1)'], 1, 1000),
  ]);

  it('draws every frame as wide as its exact share, each with a <title> giving its figures', () => {
    const svg = svgOf(live);
    const frames = framesOf(svg);
    expect(frames.length).toBe((svg.match(/<g>/g) ?? []).length);
    expect(frames.map((f) => f.title.split('\n')[0])).toEqual(['all live blocks', 'main (app.py:1)', 'load (app.py:20)', 'parse (lib/p.py:7)']);
    const total = live.total.requestedBytes;
    expect(frames.map((f) => f.width)).toEqual([INNER, INNER, (3000 / total) * INNER, (1000 / total) * INNER]);
    // Callees sit one row below their caller, side by side from its left edge.
    expect(frames[2]!.x).toBe(frames[1]!.x);
    expect(frames[3]!.x).toBe(frames[2]!.x + frames[2]!.width);
    expect(frames[3]!.y - frames[2]!.y).toBe(0);
    expect(frames[2]!.y).toBeGreaterThan(frames[1]!.y);
    expect(frames[1]!.title).toContain(`${percent(1)} of requested bytes`);
    expect(frames[1]!.title).toContain(`own (stack ends here): ${bytes(1000)}`);
    expect(frames[2]!.title).toContain('3 blocks');
  });

  it('merges small frames into "other" and stays within the frame budget', () => {
    const many = liveOf(Array.from({ length: 5000 }, (_, i) => stack(['main (app.py:1)', `f${i} (m${i}.py:${i + 1})`], 1, 100 + i)));
    const maxFrames = 50;
    const svg = svgOf(many, maxFrames, 0);
    const frames = framesOf(svg);
    // The root, the kept frames, and one "other" (under main).
    expect(frames.length).toBe(1 + maxFrames + 1);
    const other = frames.at(-1)!;
    expect(other.title).toMatch(/^other: 4,951 frames merged/);
    const merged = many.stacks.slice(maxFrames - 1).reduce((n, s) => n + s.requestedBytes, 0);
    expect(other.width).toBeCloseTo((merged / many.total.requestedBytes) * INNER, 3);
    expect(svg).toContain('50 of 5,001 frames shown');
  });

  it('keeps trace text inert: markup is escaped, controls and non-characters replaced', () => {
    const hostile = '<script>alert(1)</script> & "\'\u0001\uffff (x.py:1)';
    const svg = svgOf(liveOf([stack([hostile], 1, 10)]));
    expect(svg).not.toMatch(/<script/i);
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;&#39;');
    expect(svg).not.toMatch(/[\u0001\uffff]/);
    expect((svg.match(/<svg/g) ?? []).length).toBe(1);
  });

  it('labels a frame with the longest of its names that fits, and leaves out labels that cannot', () => {
    const frame = 'handle_request (/srv/app/server/handlers.py:120)';
    expect(labelFor(frame, 1000)).toBe(frame);
    expect(labelFor(frame, measureText('handle_request (handlers.py:120)', 11))).toBe('handle_request (handlers.py:120)');
    expect(labelFor(frame, measureText('handle_request', 11))).toBe('handle_request');
    const cut = labelFor(frame, measureText('handle_r…', 11));
    expect(cut.endsWith('…')).toBe(true);
    expect(measureText(cut, 11)).toBeLessThanOrEqual(measureText('handle_r…', 11));
    expect(labelFor(frame, 5)).toBe('');
  });

  it('draws each warning in red under the subtitle, wrapped to the width, and moves the frames down to make room', () => {
    const tree = callTreeOf(live, 'requested', { maxFrames: 1000, minFraction: 0.001 });
    const plain = flameGraphSvg(tree, { title: 't', subtitle: 's', colourBy: 'file', width: WIDTH });
    const long = `inexact replay: ${'word '.repeat(100).trim()}`;
    const warned = flameGraphSvg(tree, { title: 't', subtitle: 's', colourBy: 'file', width: WIDTH, warnings: ['incomplete trace: cut <here>', long] });
    const lines = [...warned.matchAll(/<text [^>]*fill="#b3261e"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
    expect(lines[0]).toBe('Warning: incomplete trace: cut &lt;here&gt;');
    expect(lines[1]).toMatch(/^Warning: inexact replay: word/);
    const wrapped = wrapText(`Warning: ${long}`, INNER, true);
    expect(wrapped.length).toBeGreaterThan(1);
    expect(lines.slice(1)).toEqual(wrapped);
    for (const line of wrapped) expect(measureText(line, 11, true)).toBeLessThanOrEqual(INNER);
    expect(plain).not.toContain('#b3261e');
    // Every frame is as wide, and lower by the warning lines' height.
    const [before, after] = [framesOf(plain), framesOf(warned)];
    expect(after.map((f) => f.width)).toEqual(before.map((f) => f.width));
    const shift = after[0]!.y - before[0]!.y;
    expect(shift).toBe(lines.length * 15);
    expect(after.map((f) => f.y - shift)).toEqual(before.map((f) => f.y));
  });
});
