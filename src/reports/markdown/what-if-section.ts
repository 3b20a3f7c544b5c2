// What if: the same trace replayed under the other CPython versions' geometry.

import type { ReportData } from '../../analyzers/report-data.js';
import { instantHeading, instantText } from '../instant-text.js';
import { bytes, percent, thousands } from '../../text/units.js';
import { mdText, quote, table } from './format.js';

export function whatIfSection(d: ReportData): string[] {
  if (d.whatIf === null || d.whatIf.length === 0) return [];
  return [
    `## What if (judged ${mdText(instantHeading(d.at, quote), 120)})`,
    '',
    table(
      ['version', 'arena / pool', 'peak footprint', 'arena peak', 'utilisation at arena peak', mdText(`footprint ${instantText(d.at, quote)}`, 80)],
      d.whatIf.map((v) => [
        `CPython ${v.version}`,
        `${bytes(v.arenaSizeBytes)} / ${bytes(v.poolSizeBytes)}`,
        bytes(v.footprintPeak.value),
        thousands(v.arenasPeak.value),
        v.arenaPeak === null ? '–' : percent(v.arenaPeak.utilisation),
        bytes(v.judged.footprintBytes),
      ]),
      [false, true, true, true, true, true],
    ),
    '',
  ];
}
