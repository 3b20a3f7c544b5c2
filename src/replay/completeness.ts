// Whether a trace holds a whole run, as far as the trace itself can tell.
//
// `# complete: true` (trace-format.md) speaks for the start: the recording
// began with the interpreter's first allocation. A header is written before
// the run, so it cannot speak for the end: a program that crashed, called
// os._exit() or was killed, and a file cut at a line end during a copy, all
// keep it. The end is confirmed by the trace's last record: a `mark` whose
// label the header names in `# end_mark: LABEL` (memreplay record writes
// `# end_mark: end` and the `end` mark only when the interpreter was
// finalized). Recordings of memreplay record from before the `end` mark
// (no `end_mark`) are judged by their `final` mark, which that recorder wrote
// only after finalizing. Traces that name no end mark are taken at their
// word: `complete: true` or `false`, or nothing said.

import type { TraceMeta } from '../import/types.js';

export type CompletenessState = 'complete' | 'incomplete' | 'unknown';

export interface Completeness {
  /** complete: the whole run is there; incomplete: it is not (or the end was not reached); unknown: the trace does not say. */
  readonly state: CompletenessState;
  /** The mark that confirms the end, or null when the trace names none. */
  readonly endMark: string | null;
  /** One sentence: why. */
  readonly reason: string;
}

/** How memreplay record's `# recorder:` line starts. */
const OWN_RECORDER = 'memreplay record';
/** What memreplay record wrote last before the `end` mark existed. */
const LEGACY_END_MARK = 'final';
/** Labels are the trace's: quoted and cut in messages. */
const LABEL_CHARS = 60;

export interface TraceEnd {
  /** Events replayed. */
  readonly events: number;
  /** Label of the last mark, and its event number (0: none). */
  readonly lastMark: string;
  readonly lastMarkEvent: number;
  /** The replay stopped before the end of the file (--at, --at-event). */
  readonly stoppedEarly: boolean;
}

/** The mark a trace says confirms its end, or null. */
export function endMarkOf(meta: TraceMeta): string | null {
  const named = meta['end_mark'];
  if (named !== undefined && named.trim() !== '') return named.trim();
  if (meta['recorder']?.startsWith(OWN_RECORDER) === true) return LEGACY_END_MARK;
  return null;
}

function quoted(label: string): string {
  return JSON.stringify(label.length > LABEL_CHARS ? label.slice(0, LABEL_CHARS) + '…' : label);
}

export function completenessOf(meta: TraceMeta, end: TraceEnd): Completeness {
  const endMark = endMarkOf(meta);
  const startSaid = meta['complete']?.trim();
  if (startSaid === 'false') {
    return { state: 'incomplete', endMark, reason: 'the recording began after the allocator had served blocks (# complete: false)' };
  }
  if (endMark === null) {
    if (startSaid === 'true') return { state: 'complete', endMark, reason: 'the trace says so (# complete: true) and names no mark to confirm its end' };
    return { state: 'unknown', endMark, reason: 'the trace does not say whether it holds the whole run (no # complete or # end_mark metadata)' };
  }
  if (end.stoppedEarly) {
    return { state: 'unknown', endMark, reason: `not checked: the replay stopped before the end of the trace, where its ${quoted(endMark)} mark should be` };
  }
  if (end.lastMarkEvent === end.events && end.events > 0 && end.lastMark === endMark) {
    return { state: 'complete', endMark, reason: `the trace ends with its ${quoted(endMark)} mark` };
  }
  return {
    state: 'incomplete',
    endMark,
    reason:
      `the trace does not end with its ${quoted(endMark)} mark: the recording was cut short ` +
      '(the program crashed, called os._exit() or was killed) or the file was cut',
  };
}

/** The one line every command prints for a trace that is not complete, or null when it is (or claims nothing). */
export function incompleteLine(file: string, c: Completeness): string | null {
  if (c.state !== 'incomplete') return null;
  return `${file}: incomplete trace: ${c.reason}`;
}
