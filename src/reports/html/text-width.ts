// Text widths for laying out charts in Node. Without a canvas, vega guesses
// every character to be 0.8 em wide, about 60% too wide for the sans-serif
// our charts use: labels are cut short and legends spread out. The reader's
// browser draws them in Liberation Sans / Arial, whose advance widths (the
// standard Helvetica metrics, in thousandths of an em) are below.
//
// vega's own hook for this is `textMetrics.width(item, text)` (vl-convert
// sets it the same way); render-chart.ts installs `textWidth` there.

/** Advance widths of ASCII 32 (space) to 126 (~), in 1/1000 em. */
const ASCII_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space ! " # $ % & ' ( ) * + , - . /
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0-9
  278, 278, 584, 584, 584, 556, 1015, // : ; < = > ? @
  667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // A-M
  722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // N-Z
  278, 278, 278, 469, 556, 333, // [ \ ] ^ _ `
  556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // a-m
  556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // n-z
  334, 260, 334, 584, // { | } ~
];
const OTHER_WIDTH = 600;
const WIDE_WIDTH = 1000;
/** Bold runs about 6% wider in these fonts. */
const BOLD_FACTOR = 1.06;

/** Width in pixels of `text` at `fontSize` px. */
export function measureText(text: string, fontSize: number, bold = false): number {
  let units = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c >= 32 && c <= 126) units += ASCII_WIDTHS[c - 32]!;
    else if (c === 0x2026 || c >= 0x2e80) units += WIDE_WIDTH; // the ellipsis vega appends; CJK and wider
    else units += OTHER_WIDTH;
  }
  return ((units * fontSize) / 1000) * (bold ? BOLD_FACTOR : 1);
}

interface TextItem {
  fontSize?: number | string;
  fontWeight?: number | string;
  limit?: number;
}

/**
 * vega's textMetrics.width: the width of one line of a text item. vega asks
 * it for untruncated lines too (for bounds), so a line wider than the item's
 * `limit` counts as `limit`: vega draws it cut to that width.
 */
export function textWidth(item: TextItem, text: unknown): number {
  const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
  const line = text == null ? '' : String(text).trim();
  const weight = item.fontWeight;
  const w = measureText(line, size, weight === 'bold' || (typeof weight === 'number' && weight >= 600));
  const limit = Number(item.limit);
  return limit > 0 ? Math.min(w, limit) : w;
}
