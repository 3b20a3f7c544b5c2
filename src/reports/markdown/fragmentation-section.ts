// Fragmentation: where the arenas' bytes went, at the arena peak and at the judged instant.

import type { FragmentationSummary } from '../../analyzers/fragmentation.js';
import type { ReportData } from '../../analyzers/report-data.js';
import { instantHeading, instantText } from '../instant-text.js';
import { bytes } from '../../text/units.js';
import { mdText, quote, table } from './format.js';

const PARTS: readonly [string, keyof FragmentationSummary][] = [
  ['blocks in use', 'allocatedBlockBytes'],
  ['free blocks in used pools', 'availableBlockBytes'],
  ['unused pools', 'unusedPoolBytes'],
  ['quantization', 'quantizationBytes'],
  ['pool headers', 'poolHeaderBytes'],
  ['arena alignment', 'arenaAlignmentBytes'],
  ['arena bytes', 'arenaBytes'],
];

export function fragmentationSection(d: ReportData): string[] {
  const a = d.analyze;
  const peak = a.fragmentation.arenaPeak;
  const splits: [string, FragmentationSummary][] = [...(peak === null ? [] : [['arena peak', peak] as [string, FragmentationSummary]]), [instantText(d.at, quote), a.fragmentation.judged]];
  return [
    `## Fragmentation ${mdText(instantHeading(d.at, quote), 120)}`,
    '',
    table(['', ...splits.map((s) => s[0])], PARTS.map(([label, key]) => [label, ...splits.map((s) => bytes(s[1][key] as number))]), [false, ...splits.map(() => true)]),
    '',
  ];
}
