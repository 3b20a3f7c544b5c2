// A one-line progress display for a batch: traces done of total, bytes read
// (of the total, when every input's size is known), read rate, the file being
// read. Redrawn in place (carriage return, clear to end of line) at most ten
// times a second; the caller decides whether to show it at all (a terminal
// only, not --quiet). Messages printed while it shows go through `print`, so
// they never mix with the line.

import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { traceDisplayName } from '../import/source.js';
import { bytes, count, terminalSafe } from '../text/units.js';
import type { BatchOutcome } from './outcome.js';
import type { BatchProgress } from './pool.js';

export interface ProgressOutput {
  write(text: string): unknown;
  /** Terminal width; lines are cut to fit. */
  readonly columns?: number;
}

const REDRAW_MS = 100;
const CLEAR_LINE = '\r\u001b[K';

export class ProgressLine implements BatchProgress {
  private inputs: readonly string[] = [];
  private read = new Float64Array(0);
  private sizes: (number | undefined)[] = [];
  private totalBytes: number | undefined;
  private readonly running = new Set<number>();
  private done = 0;
  private failed = 0;
  private startedAt = 0;
  private drawnAt = -Infinity;
  private shown = false;
  /** Between start() and finish(). */
  private active = false;

  constructor(
    private readonly out: ProgressOutput,
    /** What the line starts with, e.g. "analyze". */
    private readonly label: string,
    private readonly now: () => number = () => performance.now(),
  ) {}

  start(inputs: readonly string[]): void {
    this.inputs = inputs;
    this.read = new Float64Array(inputs.length);
    this.sizes = inputs.map(sizeOf);
    this.totalBytes = this.sizes.every((s) => s !== undefined) ? this.sizes.reduce<number>((a, s) => a + s!, 0) : undefined;
    this.startedAt = this.now();
    this.active = true;
    this.draw(true);
  }

  taskStarted(index: number): void {
    this.running.add(index);
    this.draw(false);
  }

  taskProgress(index: number, bytesRead: number): void {
    this.read[index] = bytesRead;
    this.draw(false);
  }

  taskDone(index: number, outcome: BatchOutcome<unknown>): void {
    this.running.delete(index);
    // A trace that stopped early (an error) counts as read: the total is what is left to do.
    this.read[index] = Math.max(this.read[index]!, this.sizes[index] ?? 0);
    this.done++;
    if (!outcome.ok) this.failed++;
    this.draw(false);
  }

  finish(): void {
    this.active = false;
    this.clear();
  }

  /** Print whole lines (e.g. an error message) above the progress line. */
  print(text: string): void {
    this.clear();
    this.out.write(text);
    if (this.active) this.draw(true);
  }

  /** The line as it would be drawn now (without terminal controls). */
  line(): string {
    let readBytes = 0;
    for (const r of this.read) readBytes += r;
    const seconds = (this.now() - this.startedAt) / 1000;
    const parts = [`${this.label}: ${this.done}/${count(this.inputs.length, 'trace')}${this.failed > 0 ? ` (${this.failed} failed)` : ''}`];
    if (this.totalBytes !== undefined && this.totalBytes > 0) {
      parts.push(`${bytes(readBytes)} of ${bytes(this.totalBytes)} (${Math.floor((100 * readBytes) / this.totalBytes)}%)`);
    } else {
      parts.push(bytes(readBytes));
    }
    if (seconds >= 0.5) parts.push(`${bytes(Math.round(readBytes / seconds))}/s`);
    const current = [...this.running];
    if (current.length > 0) {
      const name = terminalSafe(basename(traceDisplayName(this.inputs[current[current.length - 1]!]!)), 60);
      parts.push(current.length > 1 ? `${name} +${current.length - 1}` : name);
    }
    const text = parts.join(' · ');
    const width = Math.max(20, (this.out.columns ?? 80) - 1);
    return text.length > width ? text.slice(0, width - 1) + '…' : text;
  }

  private draw(force: boolean): void {
    const t = this.now();
    if (!this.active || (!force && t - this.drawnAt < REDRAW_MS)) return;
    this.drawnAt = t;
    this.out.write(CLEAR_LINE + this.line());
    this.shown = true;
  }

  private clear(): void {
    if (!this.shown) return;
    this.out.write(CLEAR_LINE);
    this.shown = false;
  }
}

function sizeOf(input: string): number | undefined {
  if (input === '-') return undefined;
  try {
    const s = statSync(input);
    return s.isFile() ? s.size : undefined;
  } catch {
    return undefined;
  }
}
