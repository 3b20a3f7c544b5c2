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

import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

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
    return { ...chart, svg: roundPaths(prefixIds(svg, idPrefix)), warnings };
  } finally {
    view.finalize();
  }
}

/**
 * Rename every id="X" to id="P-X" and every attribute reference url(#X) to
 * url(#P-X). Only attribute values are touched: in vega's SVG, text content
 * has its quotes escaped, so `="` never occurs outside an attribute.
 */
export function prefixIds(svg: string, prefix: string): string {
  return svg
    .replace(/ id="([^"]+)"/g, (_m, id: string) => ` id="${prefix}-${id}"`)
    .replace(/="url\(#([^)"]+)\)"/g, (_m, id: string) => `="url(#${prefix}-${id})"`);
}

/**
 * Path coordinates to a tenth of a pixel (vega writes thousandths): the long
 * paths of timelines are most of a report's bytes, and a tenth of a pixel is
 * below what a screen shows. Only `d` attributes are touched.
 */
export function roundPaths(svg: string): string {
  return svg.replace(/ d="([^"]*)"/g, (_m, d: string) => ` d="${d.replace(/-?\d*\.\d+/g, (n) => String(Math.round(Number(n) * 10) / 10))}"`);
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
