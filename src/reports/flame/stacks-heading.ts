// The one line that says whose live blocks a flame graph, folded file,
// speedscope file or call tree shows: the trace and the instant; and the
// warnings that go wherever those figures go, in the words analyze, leaks
// and the report use, when the trace does not hold the whole run or the
// replay did not follow it.

import type { LiveStacksAt } from '../../analyzers/live-stacks.js';
import { bytes, count, thousands } from '../../text/units.js';
import { jsonQuote } from '../instant-text.js';
import { INCOMPLETE_FIGURES, incompleteText } from '../completeness-text.js';
import { INEXACT_FIGURES, inexactText } from '../exactness-text.js';

/** `at the footprint high-water mark (2.00 MiB, event 449)`, `at mark "x" (event 11)`, … */
export function stacksInstantText(r: LiveStacksAt): string {
  const event = `event ${thousands(r.at.event)}`;
  switch (r.instant) {
    case 'footprint-peak':
      return r.footprintBytes === null ? `at the footprint high-water mark (none: ${event})` : `at the footprint high-water mark (${bytes(r.footprintBytes)}, ${event})`;
    case 'mark':
      return `at mark ${jsonQuote(r.at.mark ?? '')} (${event})`;
    case 'event':
      return `right after ${event}`;
    case 'end':
      return `at the end of the trace (${event})`;
  }
}

/** `Live blocks of FILE at …`, `Blocks of the 2 steady-state leak sites of FILE at …`, or `Every block FILE allocated up to …`. */
export function stacksHeading(r: LiveStacksAt): string {
  if (r.measure === 'allocated') return `Every block ${r.file} allocated, freed or not, up to ${stacksInstantText(r).replace(/^(at|right after) /, '')}`;
  const whose = r.leakSites === null ? 'Live blocks' : `Blocks of the ${count(r.leakSites, 'steady-state leak site')}`;
  return `${whose} of ${r.file} ${stacksInstantText(r)}`;
}

/** `incomplete trace: …; its figures are …` and `inexact replay: …; the model's figures …`, each when it applies (none for a sound replay). */
export function stacksWarnings(r: Pick<LiveStacksAt, 'completeness' | 'exactness'>): string[] {
  const warnings: string[] = [];
  const incomplete = incompleteText(r.completeness);
  if (incomplete !== null) warnings.push(`${incomplete}; ${INCOMPLETE_FIGURES}`);
  const inexact = inexactText(r.exactness);
  if (inexact !== null) warnings.push(`${inexact}; ${INEXACT_FIGURES}`);
  return warnings;
}
