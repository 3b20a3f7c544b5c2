// Thread ids (integers or strings in the trace) interned to small integers.
// Bounded: past MAX_THREADS every new id shares one overflow id (and is not
// remembered), and a name is at most MAX_THREAD_NAME_CHARS (the importers
// refuse longer ones), so the table holds at most 16 Mi characters of names.

import { detachedText } from './detached-text.js';

export const MAX_THREADS = 65_536;

/** Longest thread name, in characters (Python's are like `ThreadPoolExecutor-0_3`). */
export const MAX_THREAD_NAME_CHARS = 256;

/** A thread name longer than MAX_THREAD_NAME_CHARS, as a bad-record message. */
export function threadNameTooLong(name: string): string {
  return `thread name of ${name.length} characters: expected at most ${MAX_THREAD_NAME_CHARS}`;
}

/** The id every thread past the first MAX_THREADS - 1 shares: `(other threads)`. */
const OVERFLOW = MAX_THREADS - 1;

export class ThreadTable {
  private readonly byNumber = new Map<number, number>();
  private readonly byString = new Map<string, number>();
  private readonly names: string[] = [];
  /** Ids interned from a number rather than a name (a binary trace keeps the difference). */
  private readonly fromNumber: boolean[] = [];

  get count(): number {
    return this.names.length;
  }

  internNumber(value: number): number {
    const known = this.byNumber.get(value);
    if (known !== undefined) return known;
    const id = this.add(String(value));
    if (id !== OVERFLOW) {
      this.byNumber.set(value, id);
      this.fromNumber[id] = true;
    }
    return id;
  }

  /** A name of at most MAX_THREAD_NAME_CHARS (a longer one is cut, for callers that did not check it). */
  internString(value: string): number {
    const name = value.length > MAX_THREAD_NAME_CHARS ? value.slice(0, MAX_THREAD_NAME_CHARS) : value;
    const known = this.byString.get(name);
    if (known !== undefined) return known;
    const id = this.add(detachedText(name));
    if (id !== OVERFLOW) this.byString.set(this.names[id]!, id);
    return id;
  }

  /** Whether the thread was given as an integer (`7`) rather than a name (`"7"` in JSONL). */
  isNumber(id: number): boolean {
    return this.fromNumber[id] === true;
  }

  name(id: number): string {
    return this.names[id] ?? '';
  }

  private add(name: string): number {
    if (this.names.length >= MAX_THREADS) return OVERFLOW;
    this.names.push(this.names.length === MAX_THREADS - 1 ? '(other threads)' : name);
    return this.names.length - 1;
  }
}
