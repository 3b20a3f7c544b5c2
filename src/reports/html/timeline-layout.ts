// Where the timeline's text goes. vega places a text mark where it is told
// and lets labels pile up; these functions decide, in pixels of the plot,
// before the spec is written: which marks are too close to draw apart (they
// become one group with a summary label), which row of the mark strip each
// label takes, and where each peak's label sits so that it touches no other
// label, no peak dot and, where there is room, no line. All of it is
// geometry on our own numbers and measured text widths (text-width.ts);
// nothing here looks at what a label says beyond its width.

import { count } from '../../text/units.js';
import { measureText } from './text-width.js';

/** A rectangle in plot pixels, y downwards. */
export interface Box {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

export function overlaps(a: Box, b: Box, margin = 0): boolean {
  return a.left < b.right + margin && b.left < a.right + margin && a.top < b.bottom + margin && b.top < a.bottom + margin;
}

/** A linear scale from data to plot pixels. */
export interface Axis {
  readonly domain: readonly [number, number];
  /** Pixels from the start (left, or top for y) to the end of the domain. */
  readonly pixels: number;
  /** y axes grow upwards: the domain's start is at the bottom. */
  readonly upwards?: boolean;
}

export function toPixel(axis: Axis, v: number): number {
  const [d0, d1] = axis.domain;
  const f = d1 === d0 ? 0 : (v - d0) / (d1 - d0);
  return axis.upwards ? axis.pixels * (1 - f) : axis.pixels * f;
}

export function fromPixel(axis: Axis, p: number): number {
  const [d0, d1] = axis.domain;
  const f = axis.upwards ? 1 - p / axis.pixels : p / axis.pixels;
  return d0 + f * (d1 - d0);
}

// ------------------------------------------------------------------ marks

/** Marks closer than this many pixels are drawn as one group. */
export const MARK_GROUP_GAP_PX = 8;

export interface MarkGroup {
  /** Indexes (0-based, in trace order) of the first and last mark of the group. */
  readonly first: number;
  readonly last: number;
  /** Their events. */
  readonly e0: number;
  readonly e1: number;
}

/** Consecutive marks (in event order) less than MARK_GROUP_GAP_PX apart, as groups. */
export function groupMarks(events: readonly number[], x: Axis): MarkGroup[] {
  const groups: MarkGroup[] = [];
  let start = 0;
  for (let i = 1; i <= events.length; i++) {
    if (i < events.length && toPixel(x, events[i]!) - toPixel(x, events[i - 1]!) < MARK_GROUP_GAP_PX) continue;
    if (events.length > 0) groups.push({ first: start, last: i - 1, e0: events[start]!, e1: events[i - 1]! });
    start = i;
  }
  return groups;
}

/**
 * A short name for a run of mark labels: runs that count up under one prefix
 * collapse ("iteration 1", ..., "iteration 12" -> "iteration 1–12"), the rest
 * are listed; when that is still long, the first and last label. Labels are
 * already cut to a bounded length by the caller.
 */
export function summarizeMarkLabels(labels: readonly string[], maxChars = 40): string {
  if (labels.length === 1) return labels[0]!;
  const parts: string[] = [];
  let i = 0;
  while (i < labels.length) {
    const m = /^(.*?)(\d+)$/.exec(labels[i]!);
    let j = i;
    if (m !== null) {
      const prefix = m[1]!;
      let n = Number(m[2]);
      while (j + 1 < labels.length) {
        const next = /^(.*?)(\d+)$/.exec(labels[j + 1]!);
        if (next === null || next[1] !== prefix || Number(next[2]) !== n + 1) break;
        n++;
        j++;
      }
      parts.push(j > i ? `${prefix}${m[2]}–${n}` : labels[i]!);
    } else parts.push(labels[i]!);
    i = j + 1;
  }
  const all = parts.join(', ');
  const text = all.length <= maxChars ? all : `${labels[0]} … ${labels[labels.length - 1]}`;
  return `${count(labels.length, 'mark')}: ${text}`;
}

export interface StripLabel {
  /** Left edge, in plot pixels. */
  readonly x: number;
  /** Row, 0 next to the ticks. */
  readonly row: number;
  readonly text: string;
}

/** Horizontal room between two labels of one row. */
const LABEL_GAP_PX = 6;

/**
 * Rows for the labels of the mark strip: each label starts at its group's
 * pixel (moved left to stay inside the plot) and takes the first row where
 * it touches no label already placed. A label that fits in no row falls back
 * to its short form (the mark numbers, as in the marks table), then to none.
 */
export function placeStripLabels(
  labels: readonly { readonly x: number; readonly text: string; readonly short: string }[],
  width: number,
  maxRows: number,
  fontSize: number,
): StripLabel[] {
  const rows: Box[][] = Array.from({ length: maxRows }, () => []);
  const placed: StripLabel[] = [];
  for (const l of labels) {
    for (const text of [l.text, l.short]) {
      const w = measureText(text, fontSize);
      const x = Math.max(0, Math.min(l.x, width - w));
      const box = { left: x, right: x + w, top: 0, bottom: 1 };
      const row = rows.findIndex((r) => r.every((b) => !overlaps(b, box, LABEL_GAP_PX)));
      if (row < 0) continue;
      rows[row]!.push(box);
      placed.push({ x, row, text });
      break;
    }
  }
  return placed;
}

// ------------------------------------------------------------------ peaks

/** One series as drawn: per step, its pixel span and the pixel heights of its maximum (the line) and minimum (the band's floor). */
export interface SeriesPixels {
  readonly x0: Float64Array;
  readonly x1: Float64Array;
  readonly yHi: Float64Array;
  readonly yLo: Float64Array;
}

export interface PeakToLabel {
  /** The dot, in plot pixels. */
  readonly x: number;
  readonly y: number;
  readonly text: string;
}

export interface PlacedPeakLabel {
  /** Centre of the label, in plot pixels. */
  readonly cx: number;
  readonly cy: number;
  readonly box: Box;
  /** Where a leader line from the dot meets the label, when the label is not right beside its dot. */
  readonly leader: { readonly x: number; readonly y: number } | null;
}

const LABEL_HEIGHT = 12;
const DOT_RADIUS = 4;
/** A label farther than this from its dot gets a leader line. */
const LEADER_PX = 9;

/**
 * Where each peak's label goes: of the positions around its dot (beside it,
 * above and below at growing distances, on either side), the nearest that
 * stays in the plot and touches no label already placed and no dot, with a
 * heavy cost for crossing a line and a light one for covering a band.
 * Highest peaks are placed first. Returns null for a label that fits nowhere.
 */
export function placePeakLabels(
  peaks: readonly PeakToLabel[],
  series: readonly SeriesPixels[],
  width: number,
  height: number,
  fontSize: number,
): (PlacedPeakLabel | null)[] {
  const out: (PlacedPeakLabel | null)[] = peaks.map(() => null);
  const taken: Box[] = [];
  const dots = peaks.map((p) => ({ left: p.x - DOT_RADIUS, right: p.x + DOT_RADIUS, top: p.y - DOT_RADIUS, bottom: p.y + DOT_RADIUS }));
  const order = peaks.map((_, i) => i).sort((a, b) => peaks[a]!.y - peaks[b]!.y || peaks[a]!.x - peaks[b]!.x);
  for (const i of order) {
    const p = peaks[i]!;
    const w = measureText(p.text, fontSize, true) + 2;
    let best: { box: Box; cost: number } | null = null;
    for (const box of candidates(p, w)) {
      if (box.left < 0 || box.right > width || box.top < 0 || box.bottom > height) continue;
      if (taken.some((t) => overlaps(t, box, 2)) || dots.some((d) => overlaps(d, box, 1))) continue;
      const cost = distance(p, box) + crossings(series, box);
      if (best === null || cost < best.cost) best = { box, cost };
    }
    if (best === null) continue;
    taken.push(best.box);
    const b = best.box;
    const near = nearestPoint(p, b);
    out[i] = {
      cx: (b.left + b.right) / 2,
      cy: (b.top + b.bottom) / 2,
      box: b,
      leader: Math.hypot(near.x - p.x, near.y - p.y) > LEADER_PX ? near : null,
    };
  }
  return out;
}

function* candidates(p: PeakToLabel, w: number): Generator<Box> {
  const h = LABEL_HEIGHT;
  const lefts = [p.x + 6, p.x - 6 - w, p.x - w / 2];
  for (const left of lefts.slice(0, 2)) yield { left, right: left + w, top: p.y - h / 2, bottom: p.y + h / 2 };
  for (let k = 0; k < 8; k++) {
    for (const left of lefts) {
      const above = p.y - 3 - h - k * (h + 2);
      const below = p.y + 3 + k * (h + 2);
      yield { left, right: left + w, top: above, bottom: above + h };
      yield { left, right: left + w, top: below, bottom: below + h };
    }
  }
}

function nearestPoint(p: { x: number; y: number }, b: Box): { x: number; y: number } {
  return { x: Math.min(Math.max(p.x, b.left), b.right), y: Math.min(Math.max(p.y, b.top), b.bottom) };
}

function distance(p: { x: number; y: number }, b: Box): number {
  const n = nearestPoint(p, b);
  return Math.hypot(n.x - p.x, n.y - p.y);
}

const LINE_COST = 200;
const BAND_COST = 20;
/** Lines closer than this to a label's box count as crossing it (text too close to a line reads as struck through). */
const LINE_CLEARANCE_PX = 2;

/** Cost of the lines and bands that pass through `box`. */
function crossings(series: readonly SeriesPixels[], box: Box): number {
  let cost = 0;
  for (const s of series) {
    let hiMin = Infinity;
    let hiMax = -Infinity;
    let loMax = -Infinity;
    for (let k = 0; k < s.x0.length; k++) {
      if (s.x1[k]! < box.left || s.x0[k]! > box.right) continue;
      hiMin = Math.min(hiMin, s.yHi[k]!);
      hiMax = Math.max(hiMax, s.yHi[k]!);
      loMax = Math.max(loMax, s.yLo[k]!);
    }
    if (hiMin === Infinity) continue;
    // A step line is connected: across the box it covers every height between its extremes.
    const top = box.top - LINE_CLEARANCE_PX;
    const bottom = box.bottom + LINE_CLEARANCE_PX;
    if (hiMin <= bottom && hiMax >= top) cost += LINE_COST;
    else if (hiMin <= bottom && loMax >= top) cost += BAND_COST;
  }
  return cost;
}
