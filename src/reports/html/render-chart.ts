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
import { mergeAdjacentPaths, roundPaths, withIdPrefix, type ChartSpec, type DrawnChart, type RenderedChart } from './chart-svg.js';

export { CHART_NAME, mergeAdjacentPaths, prefixIds, roundPaths, type ChartSpec, type DrawnChart, type RenderedChart } from './chart-svg.js';

// Lay text out with the widths of the font the reader will see (text-width.ts).
(vega as unknown as { textMetrics: { width: typeof textWidth } }).textMetrics.width = textWidth;

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

/** The chart as an SVG element, ready to inline into an HTML page, its ids prefixed with `idPrefix` (chart-svg.ts withIdPrefix). */
export async function renderChartSvg(chart: ChartSpec, idPrefix: string): Promise<RenderedChart> {
  return withIdPrefix(chart, await drawChart(chart.spec), idPrefix);
}

/**
 * The chart's SVG before its ids are made unique (withIdPrefix): what a
 * spec alone decides, so that it can be drawn before its place on the page
 * is known, or on another thread (chart-thread.ts).
 */
export async function drawChart(spec: TopLevelSpec): Promise<DrawnChart> {
  const { vega, warnings } = compileChart(spec);
  const view = new View(parse(vega), { renderer: 'none', logger: collectingLogger(warnings) });
  try {
    const svg = await view.toSVG();
    return { svg: mergeAdjacentPaths(roundPaths(svg)), warnings };
  } finally {
    view.finalize();
  }
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
