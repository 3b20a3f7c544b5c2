// Whether the replay followed the program exactly, as far as the trace can
// tell: every block address the model handed out is the one the trace
// recorded, every arena the model allocated or released is one the trace
// records, and the trace never contradicted itself (anomalies: a free of a
// block that is not live, a block allocated twice...). When any of these
// fails the model's figures (arenas, footprint, fragmentation, and the leaks
// of blocks the replay lost track of) may not be the program's: e.g. CPython
// 3.12 sub-interpreters allocate from their own obmalloc state, which one
// model cannot follow. A trace without arena records gives nothing to check
// addresses against (the model places its own arenas): `unverified`, not
// inexact, unless it has anomalies.

import type { ReplayView } from './replay-view.js';

export type ExactnessState = 'exact' | 'inexact' | 'unverified';

export interface Exactness {
  /** exact: everything matched; inexact: something did not (`reason` says what); unverified: no arena records to check against. */
  readonly state: ExactnessState;
  /** pymalloc block addresses checked against the trace, and how many differed (0 when unverified). */
  readonly blocksChecked: number;
  readonly addressMismatches: number;
  /** Arena decisions of the model the trace contradicts (0 when unverified). */
  readonly arenaMismatches: number;
  /** Trace anomalies (analyze lists them by kind). */
  readonly anomalies: number;
  /** One sentence: why. */
  readonly reason: string;
}

function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** The exactness of what a replayer has read so far (a copy of its counts). */
export function exactnessOf(r: ReplayView): Exactness {
  const arenas = r.arenas;
  const verified = arenas.traceHasArenas;
  const blocksChecked = verified ? r.addressCheck.checked : 0;
  const addressMismatches = verified ? r.addressCheck.mismatched : 0;
  const arenaMismatches = verified ? arenas.mismatches + arenas.unusedAnnounced : 0;
  const anomalies = r.anomalies.total;
  const wrong: string[] = [];
  if (addressMismatches > 0) {
    wrong.push(`${addressMismatches.toLocaleString('en-US')} of ${plural(blocksChecked, 'block address differs', 'block addresses differ')} from the trace`);
  }
  if (arenaMismatches > 0) {
    wrong.push(`${plural(arenaMismatches, 'arena decision of the model disagrees', 'arena decisions of the model disagree')} with the trace's arena records`);
  }
  if (anomalies > 0) wrong.push(`the trace has ${plural(anomalies, 'anomaly', 'anomalies')}`);
  if (wrong.length > 0) {
    return { state: 'inexact', blocksChecked, addressMismatches, arenaMismatches, anomalies, reason: wrong.join('; ') };
  }
  if (!verified) {
    const reason = 'the trace has no arena records: the model placed its own arenas, so its block addresses could not be checked';
    return { state: 'unverified', blocksChecked, addressMismatches, arenaMismatches, anomalies, reason };
  }
  const reason = `all ${plural(blocksChecked, 'block address', 'block addresses')} and every arena record matched the trace`;
  return { state: 'exact', blocksChecked, addressMismatches, arenaMismatches, anomalies, reason };
}
