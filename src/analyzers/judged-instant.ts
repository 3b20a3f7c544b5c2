// The one instant a command judges, and the observer that captures the state
// there during the single replay pass.
//
// By default every command judges the same instant (instant.ts): the first
// `stats` mark when the trace has one, else the end. The replay reads on to
// the end whatever the instant (totals, completeness and exactness are the
// whole trace's), so what is judged is taken when the mark's event has been
// replayed, as a replay stopped there would see it, and kept: results of a
// few bounded analyzers, never the live map itself.

import type { ReplayObserver, ReplayView } from '../replay/replay-view.js';
import { reportLabel } from './instant.js';

/** The instant a result is judged at: `end` is true at the end of the trace (no such mark, or --at-end). */
export interface JudgedInstant {
  /** Number (1-based) of the event; the state is as of right after it. */
  readonly event: number;
  /** Timestamp (ns) of that event, or of the last one before it that had one; null when none had. */
  readonly ts: number | null;
  /** Seconds from the trace's first timestamp to `ts`; null without timestamps. */
  readonly seconds: number | null;
  /** The mark judged at (its label); null at the end of the trace. */
  readonly mark: string | null;
  readonly end: boolean;
}

export { judgedMarkLabel } from '../options/instant-options.js';

/**
 * Runs `capture` once, right after the event of the first mark labelled
 * `label` (never with a null label); `valueAt` gives that value, or captures
 * at the replayer's instant (the end) when the mark never came. Also keeps
 * the trace's first timestamp, the origin of `seconds`.
 */
export class CaptureAtMark<T> implements ReplayObserver {
  private due = false;
  private captured: { value: T; at: JudgedInstant } | undefined;
  private firstTs = NaN;

  constructor(
    readonly label: string | null,
    private readonly capture: (r: ReplayView, at: JudgedInstant) => T,
  ) {}

  onEvent(r: ReplayView): void {
    // NaN !== NaN: the first timestamp seen (cheap: this runs for every event).
    if (this.firstTs !== this.firstTs) this.firstTs = r.lastTs;
    if (!this.due) return;
    this.due = false;
    const at = this.instantOf(r, false);
    this.captured = { value: this.capture(r, at), at };
  }

  onMark(_r: ReplayView, label: string): void {
    if (label === this.label && this.captured === undefined) this.due = true;
  }

  /** Whether the mark was seen and its state captured. */
  get atMark(): boolean {
    return this.captured !== undefined;
  }

  /** The captured value and its instant, or the state at `r`'s instant (the end) when the mark never came. */
  valueAt(r: ReplayView): { value: T; at: JudgedInstant } {
    if (this.captured !== undefined) return this.captured;
    const at = this.instantOf(r, true);
    return { value: this.capture(r, at), at };
  }

  private instantOf(r: ReplayView, end: boolean): JudgedInstant {
    const ts = Number.isNaN(r.lastTs) ? null : r.lastTs;
    const origin = Number.isNaN(this.firstTs) ? null : this.firstTs;
    return {
      event: r.events,
      ts,
      seconds: ts === null || origin === null ? null : (ts - origin) / 1e9,
      mark: end ? null : reportLabel(this.label!),
      end,
    };
  }
}
