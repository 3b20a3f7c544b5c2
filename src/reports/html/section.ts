// A section of the HTML report: the charts it draws (vega-lite specs, so the
// renderer can draw them all before the markup is assembled and write their
// .vl.json files) and its markup, given the drawn charts.

import type { ReportData } from '../../analyzers/report-data.js';
import type { ChartSpec } from './render-chart.js';

export interface SectionContext {
  readonly data: ReportData;
  /** A drawn chart as a <figure>: its SVG, a caption (markup, escaped by the caller) and a link to its spec. */
  figure(name: string, captionHtml?: string): string;
  /** A drawn chart's bare SVG (sparklines inside table cells). */
  svg(name: string): string;
}

export interface ReportSection {
  /** The element id and navigation anchor. */
  readonly id: string;
  /** Our words, for the heading and the navigation. */
  readonly title: string;
  /** The section judges the report's instant (`data.at`): its heading names it. */
  readonly judged?: boolean;
  /** False when the trace gives this section nothing to show (it is then left out). */
  applies(data: ReportData): boolean;
  charts(data: ReportData): ChartSpec[];
  /** The section's content after its heading. */
  html(ctx: SectionContext): string;
}
