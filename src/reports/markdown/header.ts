// The title, what was replayed and how exactly, and the warnings that say
// when the figures may not be the program's whole run.

import type { ReportData } from '../../analyzers/report-data.js';
import { INCOMPLETE_FIGURES, incompleteText } from '../completeness-text.js';
import { INEXACT_FIGURES, inexactText } from '../exactness-text.js';
import { count, thousands } from '../../text/units.js';
import { mdText } from './format.js';

export function headerSection(d: ReportData): string[] {
  const a = d.analyze;
  const out: string[] = [];
  out.push(`# memreplay report: \`${a.file.replace(/`/g, "'").replace(/[\r\n]/g, ' ')}\``, '');
  out.push(
    `CPython ${a.python.version} pymalloc model (${a.python.source}); ${count(a.events.total, 'event')}, ${count(a.events.marks, 'mark')}; ` +
      (a.verification.arenas.traceHasArenaRecords
        ? `${thousands(a.verification.blocksPredicted)} of ${thousands(a.verification.blocksChecked)} block addresses predicted${a.verification.exact ? ' (exact replay)' : ''}.`
        : `no arena records: arenas placed by the model.`),
    '',
  );
  const incomplete = incompleteText(a.completeness);
  if (incomplete !== null) out.push(`**Warning: ${mdText(incomplete, 400)}**; ${INCOMPLETE_FIGURES}.`, '');
  const inexact = inexactText(a.exactness);
  if (inexact !== null) out.push(`**Warning: ${mdText(inexact, 400)}**; ${mdText(INEXACT_FIGURES)}.`, '');
  return out;
}
