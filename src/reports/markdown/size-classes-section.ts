// Size classes: pools and blocks of each class, at the arena peak when there was one.

import type { ReportData } from '../../analyzers/report-data.js';
import { instantHeading } from '../instant-text.js';
import { percent, thousands } from '../../text/units.js';
import { mdText, quote, table } from './format.js';

export function sizeClassesSection(d: ReportData): string[] {
  const sc = d.sizeClasses.arenaPeak ?? d.sizeClasses.judged;
  if (sc.classes.length === 0) return [];
  return [
    `## Size classes ${d.sizeClasses.arenaPeak !== null ? `at the arena peak (event ${thousands(d.sizeClasses.arenaPeak.event)})` : mdText(instantHeading(d.at, quote), 120)}`,
    '',
    table(
      ['block size', 'pools', 'blocks in use', 'capacity', 'used'],
      sc.classes.map((c) => [`${c.blockSizeBytes} B`, thousands(c.pools), thousands(c.blocksInUse), thousands(c.blockCapacity), percent(c.utilisation)]),
      [true, true, true, true, true],
    ),
    '',
  ];
}
