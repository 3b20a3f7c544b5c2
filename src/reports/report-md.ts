// `memreplay report --format md`: the report as Markdown, for a pull request,
// an issue or a terminal. A pure function of ReportData; the numbers of the
// HTML report, with tables instead of charts and text sparklines for growth.
// One file a section, in markdown/, in the order they are read.

import type { ReportData } from '../analyzers/report-data.js';
import { anomaliesSection } from './markdown/anomalies-section.js';
import { churnSection } from './markdown/churn-section.js';
import { flameSection } from './markdown/flame-section.js';
import { fragmentationSection } from './markdown/fragmentation-section.js';
import { headerSection } from './markdown/header.js';
import { highWaterSection } from './markdown/high-water-section.js';
import { leaksSection } from './markdown/leaks-section.js';
import { marksSection } from './markdown/marks-section.js';
import { nativeSection } from './markdown/native-section.js';
import { pinningSection } from './markdown/pinning-section.js';
import { sizeClassesSection } from './markdown/size-classes-section.js';
import { summarySection } from './markdown/summary-section.js';
import { whatIfSection } from './markdown/what-if-section.js';

const SECTIONS: readonly ((d: ReportData) => readonly string[])[] = [
  headerSection,
  summarySection,
  highWaterSection,
  marksSection,
  fragmentationSection,
  flameSection,
  sizeClassesSection,
  churnSection,
  pinningSection,
  leaksSection,
  whatIfSection,
  nativeSection,
  anomaliesSection,
];

export function formatReportMarkdown(d: ReportData): string {
  return SECTIONS.flatMap((section) => section(d)).join('\n');
}
