// Charts are drawn here, in Node, not in the reader's browser: each vega-lite
// spec is compiled to vega and rendered to SVG with vega's own headless View
// (View.toSVG). The HTML report then needs no JavaScript at all, opens at
// once however big the trace was, and works offline (docs/html-report.md
// has the measurement that chose this over inlining vega + vega-embed).
//
// Trace text reaches a chart only as data values, never as a field name, a
// title or an expression: vega-lite turns titles and field names into vega
// expressions, and data values are read as plain strings (vega's SVG writer
// escapes them as text and attributes).

import * as vega from 'vega';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { textWidth } from './text-width.js';

// Lay text out with the widths of the font the reader will see (text-width.ts).
(vega as unknown as { textMetrics: { width: typeof textWidth } }).textMetrics.width = textWidth;

/** A chart of a report: its vega-lite spec, and a name unique within the report (used for its .vl.json file). */
export interface ChartSpec {
  /** Lower-case letters, digits and dashes: part of a file name. */
  readonly name: string;
  /** What the chart shows, for the reader (our text, never trace text). */
  readonly title: string;
  readonly spec: TopLevelSpec;
}

export interface RenderedChart extends ChartSpec {
  readonly svg: string;
  /** What vega-lite and vega warned about while compiling and drawing (none for a well-formed spec). */
  readonly warnings: readonly string[];
}

export const CHART_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Warnings vega-lite or vega raised; a well-formed spec of ours raises none (the tests check that). */
export interface CompiledChart {
  readonly vega: ReturnType<typeof compile>['spec'];
  readonly warnings: string[];
}

export function compileChart(spec: TopLevelSpec): CompiledChart {
  const warnings: string[] = [];
  const vega = compile(spec, { logger: collectingLogger(warnings) }).spec;
  return { vega, warnings };
}

/**
 * The chart as an SVG element, ready to inline into an HTML page. `idPrefix`
 * keeps the ids vega generates (clip paths, gradients: "clip1", ...) unique
 * when several charts share a page.
 */
export async function renderChartSvg(chart: ChartSpec, idPrefix: string): Promise<RenderedChart> {
  if (!CHART_NAME.test(chart.name)) throw new Error(`chart name ${JSON.stringify(chart.name)} is not a file-name word`);
  const { vega, warnings } = compileChart(chart.spec);
  const view = new View(parse(vega), { renderer: 'none', logger: collectingLogger(warnings) });
  try {
    const svg = await view.toSVG();
    return { ...chart, svg: mergeAdjacentPaths(roundPaths(prefixIds(svg, idPrefix))), warnings };
  } finally {
    view.finalize();
  }
}

/**
 * Apply `edit` to every tag of vega's SVG, never to text. vega escapes `<`
 * and `>` in text and in attribute values, so `<...>` is always a tag; but it
 * leaves quotes in text unescaped, so text may look like `id="x"`.
 */
function inTags(svg: string, edit: (tag: string) => string): string {
  return svg.replace(/<[^<>]*>/g, edit);
}

/**
 * Rename every id="X" to id="P-X" and every reference url(#X) to
 * url(#P-X), in tags only.
 */
export function prefixIds(svg: string, prefix: string): string {
  return inTags(svg, (tag) =>
    tag
      .replace(/ id="([^"]+)"/g, (_m, id: string) => ` id="${prefix}-${id}"`)
      .replace(/="url\(#([^)"]+)\)"/g, (_m, id: string) => `="url(#${prefix}-${id})"`),
  );
}

/**
 * Path coordinates to a tenth of a pixel (vega writes thousandths): the long
 * paths of timelines are most of a report's bytes, and a tenth of a pixel is
 * below what a screen shows. Only `d` attributes are touched.
 */
export function roundPaths(svg: string): string {
  return inTags(svg, (tag) =>
    tag.replace(/ d="([^"]*)"/g, (_m, d: string) => ` d="${d.replace(/-?\d*\.\d+/g, (n) => String(Math.round(Number(n) * 10) / 10))}"`),
  );
}

/**
 * Neighbouring `<path d="..." fill="F"/>` elements with the same fill become
 * one path with both outlines. The paint order is kept (only neighbours
 * merge) and, without any opacity, painting two outlines in one path looks
 * the same as painting them one after the other. An arena map of thousands of
 * pools, sorted by colour, shrinks to one path per colour.
 */
export function mergeAdjacentPaths(svg: string): string {
  return svg.replace(/(?:<path d="[^"]*" fill="#[0-9a-f]{3,6}"\/>){2,}/g, (run) => {
    const out: string[] = [];
    let fill = '';
    let d = '';
    for (const m of run.matchAll(/<path d="([^"]*)" fill="([^"]*)"\/>/g)) {
      if (m[2] !== fill && d !== '') {
        out.push(`<path d="${d}" fill="${fill}"/>`);
        d = '';
      }
      fill = m[2]!;
      d += m[1]!;
    }
    out.push(`<path d="${d}" fill="${fill}"/>`);
    return out.join('');
  });
}

type Logger = NonNullable<Parameters<typeof compile>[1]>['logger'] & object;

function collectingLogger(warnings: string[]): Logger {
  let level = 2; // vega's Warn
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: readonly unknown[]) {
      throw new Error(`chart: ${args.map(String).join(' ')}`);
    },
    warn(...args: readonly unknown[]) {
      warnings.push(args.map(String).join(' '));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger as unknown as Logger;
}
