// What a bench child process measures and reports (shared by bench/child.ts,
// which runs in the child, and bench/run.ts, which reads its JSON line); kept
// apart so importing the types does not start a measurement.

export const MODES = ['parse', 'replay', 'replay-only', 'analyze', 'leaks', 'report'] as const;
export type Mode = (typeof MODES)[number] | 'verify';

/** What the replay says about the trace (null for parse). */
export interface ReplayCheck {
  anomalies: number;
  blocksChecked: number;
  blocksPredicted: number;
  addressMismatches: number;
  arenasExact: boolean;
  arenasFromTrace: number;
  arenaReleasesConfirmed: number;
  liveBlocksAtEnd: number;
}

export interface ChildResult {
  mode: Mode;
  trace: string;
  /** Events replayed; null when the mode's result does not count them (leaks: the bench takes the input's count). */
  events: number | null;
  seconds: number;
  /**
   * CPU time of the whole process over the same work (user + system, every
   * thread: zlib's inflate and V8's GC helpers run off the main thread).
   */
  cpuSeconds: number;
  /** Peak resident set size of the whole process, bytes. */
  peakRssBytes: number;
  bytesRead: number | null;
  bytesDecoded: number | null;
  /** replay-only: events pre-parsed into memory before the clock started. */
  preloadedEvents?: number;
  preloadSeconds?: number;
  /** analyze, leaks, report: length of the report built (built, not printed or written). */
  reportChars?: number;
  check: ReplayCheck | null;
}
