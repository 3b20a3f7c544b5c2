// The `--verify` summary: how much of the trace the model predicted exactly.

import type { AnalyzeResult, Completeness } from '../analyzers/analyze.js';
import { incompleteText } from './completeness-text.js';
import { count, terminalSafe, thousands } from '../text/units.js';

/**
 * `completeness`: of a trace cut short only what it holds was checked; the
 * last line says so (and what could not be).
 */
export function formatVerificationText(file: string, v: AnalyzeResult['verification'], completeness?: Completeness): string {
  const name = terminalSafe(file, 80);
  const lines: string[] = [];
  lines.push(
    `verify ${name}: ${thousands(v.blocksPredicted)} of ${thousands(v.blocksChecked)} pymalloc block addresses predicted exactly` +
      (v.addressMismatches > 0 ? `, ${thousands(v.addressMismatches)} differ` : ''),
  );
  for (const x of v.addressExamples) lines.push(`  ${name}:${x.line}: trace ${x.trace}, model ${x.model}`);
  const a = v.arenas;
  if (a.traceHasArenaRecords) {
    lines.push(
      `verify ${name}: arenas ${thousands(a.fromTrace)} taken from the trace, ${count(a.releasesConfirmed, 'release')} matched, ${count(a.mismatches, 'mismatch')}` +
        (a.placedByModel > 0 ? `, ${thousands(a.placedByModel)} placed by the model` : ''),
    );
  } else {
    lines.push(`verify ${name}: the trace has no arena records; ${count(a.placedByModel, 'arena')} placed by the model, addresses cannot match`);
  }
  for (const x of a.examples) lines.push(`  ${name}:${x.line}: ${x.detail}`);
  const incomplete = completeness === undefined ? null : incompleteText(completeness);
  if (incomplete === null) lines.push(`verify ${name}: ${v.exact ? 'EXACT' : 'NOT EXACT'}`);
  else {
    lines.push(
      `verify ${name}: ${v.exact ? 'EXACT' : 'NOT EXACT'} up to where the trace stops; not verified: the rest of the run and its end state ` +
        `(${terminalSafe(incomplete, 300)})`,
    );
  }
  return lines.join('\n') + '\n';
}
