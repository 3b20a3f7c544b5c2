// What every chart of a report shares: the vega-lite config (fonts, colours,
// no per-mark ARIA text: the tables beside each chart carry the numbers for
// screen readers, and per-point labels would multiply the SVG's size), the
// schema URL, and the axis label expression for counts (byte axes are
// ticked in axis-ticks.ts).

import type { Config, TopLevelSpec } from 'vega-lite';

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Width of a full-width chart's plot area, in pixels (the page is ~1000 px wide). */
export const FULL_WIDTH = 860;

export const CHART_CONFIG: Config = {
  aria: false,
  font: 'Liberation Sans, Arial, Helvetica, sans-serif',
  background: 'white',
  view: { stroke: '#ddd' },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', titleColor: '#444', labelColor: '#333', gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', orient: 'top', labelLimit: 320 },
  title: { fontSize: 13, fontWeight: 'bold', anchor: 'start', color: '#222' },
  header: { labelFontSize: 11, titleFontSize: 11 },
};

/** Colours of the arena byte split, in the order sys._debugmallocstats() lists the parts. */
export const SPLIT_COLOURS = {
  allocatedBlockBytes: '#2f6db5',
  availableBlockBytes: '#f2a541',
  unusedPoolBytes: '#e4572e',
  quantizationBytes: '#8e6c8a',
  poolHeaderBytes: '#9aa5b1',
  arenaAlignmentBytes: '#c9ced6',
} as const;

/** Vega expression formatting `datum.value` as a count with SI suffixes ("12k", "3.4M"). */
export const COUNT_LABEL = "abs(datum.value) >= 1000 ? format(datum.value, '.3~s') : format(datum.value, '~')";

/**
 * A top-level spec with the shared schema URL and config. The charts build
 * their specs as plain objects (vega-lite's own types are too narrow to
 * compose in pieces); the tests compile every chart and fail on any warning.
 */
export function vegaLiteSpec(description: string, body: Record<string, unknown>): TopLevelSpec {
  return { $schema: VEGA_LITE_SCHEMA, config: CHART_CONFIG, description, ...body } as unknown as TopLevelSpec;
}
