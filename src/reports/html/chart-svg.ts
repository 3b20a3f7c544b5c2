// What a drawn chart is, and the edits made to vega's SVG, apart from vega
// itself (render-chart.ts): the page is assembled from drawn charts without
// loading vega on its thread when a chart thread draws them (chart-thread.ts).

import type { TopLevelSpec } from 'vega-lite';

/** A chart of a report: its vega-lite spec, and a name unique within the report (used for its .vl.json file). */
export interface ChartSpec {
  /** Lower-case letters, digits and dashes: part of a file name. */
  readonly name: string;
  /** What the chart shows, for the reader (our text, never trace text). */
  readonly title: string;
  readonly spec: TopLevelSpec;
}

/** A spec drawn: its SVG, ids not yet made unique on the page. */
export interface DrawnChart {
  readonly svg: string;
  /** What vega-lite and vega warned about while compiling and drawing (none for a well-formed spec). */
  readonly warnings: readonly string[];
}

export interface RenderedChart extends ChartSpec, DrawnChart {}

export const CHART_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/**
 * The chart as an SVG element, ready to inline into an HTML page. `idPrefix`
 * keeps the ids vega generates (clip paths, gradients: "clip1", ...) unique
 * when several charts share a page. (The other edits touch only `d`
 * attributes and id-less paths, so the ids can be prefixed last.)
 */
export function withIdPrefix(chart: ChartSpec, drawn: DrawnChart, idPrefix: string): RenderedChart {
  if (!CHART_NAME.test(chart.name)) throw new Error(`chart name ${JSON.stringify(chart.name)} is not a file-name word`);
  return { ...chart, svg: prefixIds(drawn.svg, idPrefix), warnings: drawn.warnings };
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
