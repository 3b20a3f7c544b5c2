// A call tree (analyzers/call-tree.ts) drawn as a static SVG icicle: the
// root ("all") on top, each frame below its caller, as wide as its share of
// the root. No script: every frame carries a <title> with its figures, which
// a browser shows on hover, so the file is safe to open anywhere and can sit
// inside the HTML report under its content security policy.
//
// Widths are the exact shares, written to 1/1000 px. Children are laid out
// heaviest first; what a frame holds beyond its children (blocks allocated
// with the stack ending there) is the gap at its right. Labels are cut to
// fit their frame (measured with the report's font metrics) and left out of
// frames too narrow for three characters. Everything from the trace goes
// through escapeXml: frame text is untrusted.

import { parseFrame } from '../../events/frame-text.js';
import { OTHER_FRAME, type CallTree, type CallTreeNode } from '../../analyzers/call-tree.js';
import { weightOf, type StackWeight } from '../../analyzers/live-stacks.js';
import { bytes, percent, thousands } from '../../text/units.js';
import { clip, escapeHtml } from '../html/escape.js';
import { measureText } from '../html/text-width.js';
import { colourKey, colourOf, OTHER_COLOUR, ROOT_COLOUR, type ColourBy } from './frame-colour.js';

export interface FlameGraphOptions {
  /** The first line above the graph, e.g. the trace and the instant. */
  readonly title: string;
  /** A second line, e.g. what the widths measure. */
  readonly subtitle: string;
  /**
   * Sentences drawn in red under the subtitle, each wrapped to the width:
   * that the trace is incomplete or the replay inexact (stacks-heading.ts),
   * so the picture says so wherever it is opened.
   */
  readonly warnings?: readonly string[];
  readonly colourBy: ColourBy;
  /** What the root frame's <title> calls the whole (default: all live blocks). */
  readonly rootName?: string;
  /** Width of the picture in px. */
  readonly width?: number;
}

const ROW = 18;
const FONT = 11;
const TITLE_FONT = 15;
const PAD = 10;
const HEADER = 46;
/** Height of a warning line, and its colour (the report's --warn). */
const WARNING_LINE = 15;
const WARNING_COLOUR = '#b3261e';
/** Longest warning drawn (reasons quote the trace's labels, cut at 60 characters). */
const MAX_WARNING_CHARS = 600;
const LABEL_PAD = 3;
/** Longest frame text a <title> repeats (the stack table keeps up to 1 KiB). */
const MAX_TITLE_CHARS = 500;

const WEIGHT_WORDS: Record<StackWeight, string> = {
  requested: 'requested bytes',
  'block-bytes': 'bytes in blocks',
  blocks: 'blocks',
};

/** Text safe in XML: escapeHtml, and the two code points XML 1.0 refuses that it lets through. */
function escapeXml(text: string): string {
  return escapeHtml(text).replace(/[\ufffe\uffff]/g, '\ufffd');
}

/** A coordinate to 1/1000 px, without trailing zeros. */
function px(n: number): string {
  return String(Math.round(n * 1000) / 1000);
}

/** The figures of a frame, one line each, for its <title>. */
function figuresText(node: CallTreeNode, root: CallTreeNode, weight: StackWeight): string {
  const share = (n: CallTreeNode): string => percent(weightOf(root, weight) === 0 ? 0 : weightOf(n, weight) / weightOf(root, weight));
  const lines = [
    `${share(node)} of ${WEIGHT_WORDS[weight]}`,
    `${bytes(node.requestedBytes)} requested, ${bytes(node.blockBytes)} in blocks, ${thousands(node.blocks)} blocks`,
  ];
  if (node.children.length > 0 && node !== root) {
    const own = node.children.reduce((n, c) => n - weightOf(c, weight), weightOf(node, weight));
    if (own > 0) lines.push(`own (stack ends here): ${weight === 'blocks' ? thousands(own) : bytes(own)}`);
  }
  return lines.join('\n');
}

function titleOf(node: CallTreeNode, root: CallTreeNode, weight: StackWeight, rootName: string): string {
  const name =
    node === root ? rootName : node.merged > 0 ? `${OTHER_FRAME}: ${thousands(node.merged)} frames merged, each too small to draw` : clip(node.frame, MAX_TITLE_CHARS);
  return `${name}\n${figuresText(node, root, weight)}`;
}

/** The longest of a frame's names that fits `room` px, cut with an ellipsis if none does; '' if not even 3 characters fit. */
export function labelFor(text: string, room: number): string {
  const fits = (s: string): boolean => measureText(s, FONT) <= room;
  const f = parseFrame(text);
  const file = f.file.slice(Math.max(f.file.lastIndexOf('/'), f.file.lastIndexOf('\\')) + 1);
  const short = f.line > 0 ? `${file}:${f.line}` : file;
  const candidates = f.func === '' ? [text, short] : [text, `${f.func} (${short})`, f.func];
  for (const c of candidates) if (fits(c)) return c;
  const base = candidates.at(-1)!;
  let n = base.length - 1;
  while (n >= 2 && !fits(base.slice(0, n) + '…')) n--;
  return n >= 2 ? base.slice(0, n) + '…' : '';
}

/** `text` cut into lines of at most `room` px at the labels' font, at spaces (a word wider than `room` gets a line of its own). */
export function wrapText(text: string, room: number, bold = false): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line === '' ? word : `${line} ${word}`;
    if (line !== '' && measureText(next, FONT, bold) > room) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** The SVG document of one call tree. */
export function flameGraphSvg(tree: CallTree, options: FlameGraphOptions): string {
  const width = options.width ?? 1200;
  const inner = width - 2 * PAD;
  const warningLines = (options.warnings ?? []).flatMap((w) => wrapText(`Warning: ${clip(w, MAX_WARNING_CHARS)}`, inner, true));
  const header = HEADER + warningLines.length * WARNING_LINE;
  const root = tree.root;
  const total = weightOf(root, tree.weight);
  let depth = 0;
  const frames: string[] = [];
  const draw = (node: CallTreeNode, level: number, x: number): void => {
    depth = Math.max(depth, level);
    const w = total === 0 ? (node === root ? inner : 0) : (weightOf(node, tree.weight) / total) * inner;
    const y = header + level * ROW;
    const fill = node === root ? ROOT_COLOUR : node.merged > 0 ? OTHER_COLOUR : colourOf(colourKey(node.frame, options.colourBy));
    const name = node === root ? 'all' : node.merged > 0 ? `${OTHER_FRAME} (${thousands(node.merged)})` : node.frame;
    const label = labelFor(name, w - 2 * LABEL_PAD);
    frames.push(
      `<g><title>${escapeXml(titleOf(node, root, tree.weight, options.rootName ?? 'all live blocks'))}</title>` +
        `<rect x="${px(PAD + x)}" y="${y}" width="${px(w)}" height="${ROW - 1}" fill="${fill}"/>` +
        (label === '' ? '' : `<text x="${px(PAD + x + LABEL_PAD)}" y="${y + ROW - 5}">${escapeXml(label)}</text>`) +
        '</g>',
    );
    let childX = x;
    for (const c of node.children) {
      draw(c, level + 1, childX);
      childX += total === 0 ? 0 : (weightOf(c, tree.weight) / total) * inner;
    }
  };
  draw(root, 0, 0);
  const height = header + (depth + 1) * ROW + PAD;
  const heading =
    `<text x="${PAD}" y="${PAD + TITLE_FONT}" font-size="${TITLE_FONT}" font-weight="bold">${escapeXml(clip(options.title, 200))}</text>` +
    `<text x="${PAD}" y="${PAD + TITLE_FONT + 17}" fill="#444">${escapeXml(clip(options.subtitle, 300))}</text>` +
    warningLines.map((line, i) => `<text x="${PAD}" y="${PAD + TITLE_FONT + 17 + (i + 1) * WARNING_LINE}" fill="${WARNING_COLOUR}" font-weight="bold">${escapeXml(line)}</text>`).join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="'Liberation Sans', Arial, Helvetica, sans-serif" font-size="${FONT}" role="img" aria-label="flame graph">\n` +
    `<rect width="100%" height="100%" fill="#fff"/>\n${heading}\n${frames.join('\n')}\n</svg>\n`
  );
}

/** The subtitle most pictures want: what the widths measure, the total, and how many frames are shown. */
export function flameSubtitle(tree: CallTree, colourBy: ColourBy): string {
  const total = weightOf(tree.root, tree.weight);
  const shown = tree.shownFrames < tree.totalFrames ? `${thousands(tree.shownFrames)} of ${thousands(tree.totalFrames)} frames shown` : `${thousands(tree.totalFrames)} frames`;
  return `width: ${WEIGHT_WORDS[tree.weight]} (${tree.weight === 'blocks' ? thousands(total) : bytes(total)} in all) · ${shown} · colour by ${colourBy} · hover a frame for its figures`;
}
