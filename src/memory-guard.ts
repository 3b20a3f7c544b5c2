// Running out of memory is the trace's size meeting the machine's limits,
// not a bug: it must end as one line saying what was being held and how to
// go on (exit 2), never as "internal error" nor as V8's fatal
// heap-out-of-memory abort with a native stack, which no JavaScript can
// catch. So the importers call checkMemory() once per chunk read (1 MiB of
// input: a few microseconds against milliseconds of parsing), and it throws
// an OutOfMemoryError before the limit is reached when either
//   - memreplay's resident memory passed the budget set with --max-memory
//     (setMemoryBudget: typed arrays, where live blocks and pools are kept,
//     live outside the JavaScript heap and count here only), or
//   - the JavaScript heap, after a full collection, leaves less than the
//     margin below V8's limit (--max-old-space-size): the next chunks would
//     take it into V8's abort.
// Allocation failures that JavaScript does see (RangeError "Array buffer
// allocation failed" under `ulimit -v`, a string or buffer too large, a
// worker thread past its heap limit, ENOMEM) become the same error through
// outOfMemoryOf().

import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MemreplayError } from './errors.js';
import { bytes } from './text/units.js';

/**
 * Room kept free in V8's old generation: what is in use after a full
 * collection must leave at least this much (a share of the limit, and no
 * less than HEAP_MARGIN_MIN), since the check runs once per chunk read and
 * the work between two checks (256 KiB of input: thousands of events, each
 * maybe with a new call stack) must still fit.
 */
export const HEAP_MARGIN_SHARE = 0.15;
export const HEAP_MARGIN_MIN = 24 * 2 ** 20;

/**
 * V8's heap_size_limit is the old generation's (--max-old-space-size) plus
 * room for the young one: three semi-spaces of 16 MiB on 64-bit builds. The
 * abort comes when the old generation is full, so that is the limit to watch.
 */
const YOUNG_GENERATION_RESERVE = 48 * 2 ** 20;
const YOUNG_SPACES = new Set(['new_space', 'new_large_object_space']);

/** The old generation's limit, bytes (V8 keeps it; heap_size_limit is this plus the young generation's). */
export function oldGenerationLimit(): number {
  const limit = getHeapStatistics().heap_size_limit;
  return Math.max(limit / 2, limit - YOUNG_GENERATION_RESERVE);
}

/** Bytes in use in the old generation (everything but the young spaces). */
function oldGenerationUsed(): number {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) if (!YOUNG_SPACES.has(space.space_name)) used += space.space_used_size;
  return used;
}

/** Something that holds memory in proportion to the trace, and can say how much of what. */
export interface MemoryHolder {
  /** What it holds now, in the user's terms: "1,234,567 live blocks". Empty when nothing worth naming. */
  describeHeld(): string;
}

/** Resource exhaustion: a MemreplayError (exit 2), whose message says what was held and how to proceed. */
export class OutOfMemoryError extends MemreplayError {
  override name = 'OutOfMemoryError';
  constructor(
    readonly reason: string,
    readonly held: string,
    readonly advice: string,
  ) {
    super(`out of memory: ${reason}${held === '' ? '' : ` (holding ${held})`}; ${advice}`);
  }
}

/** How the budget reaches batch worker threads (which start with a copy of the environment): bytes. */
export const MAX_MEMORY_ENV = 'MEMREPLAY_MAX_MEMORY_BYTES';

let budgetBytes: number | undefined = budgetFromEnvironment();
let collect: (() => void) | null | undefined;

/** The --max-memory budget (resident bytes), or undefined for none. Applies to the whole process. */
export function setMemoryBudget(limit: number | undefined): void {
  budgetBytes = limit;
}

function budgetFromEnvironment(): number | undefined {
  const n = Number(process.env[MAX_MEMORY_ENV]);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

export function memoryBudget(): number | undefined {
  return budgetBytes;
}

/**
 * A full garbage collection, when V8 lets one be asked for; else nothing
 * (the check then reads the heap as it is). Also for work that drops a
 * whole replay before starting another (report.ts): a replay's typed arrays
 * live outside the JavaScript heap, which the replay hardly touches, so V8
 * would not collect the dropped one before the next had grown beside it.
 *
 * The collection also frees those arrays before it returns: by default V8
 * hands their backing stores to a background sweeper, which on a busy
 * machine ran after the next replay had grown (report's peak was two
 * replays again under load 8-12, test/cli/report-memory.test.ts).
 */
export function fullCollection(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--no-concurrent-array-buffer-sweeping');
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  collect?.();
}

/** The way on that is not more memory, for an event trace. */
export const REPLAY_LESS = 'replay less of the trace (--at LABEL, --at-event N)';

/**
 * Throw an OutOfMemoryError when memory is near a limit; `held` names what
 * the work holds, `less` how to ask for less work.
 */
export function checkMemory(file: string, held: () => string, less = REPLAY_LESS): void {
  if (budgetBytes !== undefined) {
    const rss = process.memoryUsage.rss();
    if (rss > budgetBytes) {
      throw new OutOfMemoryError(
        `${file}: memreplay's memory (${bytes(rss)}) passed the --max-memory budget of ${bytes(budgetBytes)}`,
        held(),
        `raise --max-memory if the machine has the memory, or ${less}`,
      );
    }
  }
  // The cheap total first: the young generation is small, so below the mark in all there is nothing to look at.
  const limit = oldGenerationLimit();
  const mark = limit - Math.max(HEAP_MARGIN_SHARE * limit, HEAP_MARGIN_MIN);
  if (getHeapStatistics().used_heap_size <= mark) return;
  if (oldGenerationUsed() <= mark) return;
  // Garbage counts as used until it is collected: look again after a collection.
  fullCollection();
  const used = oldGenerationUsed();
  if (used <= mark) return;
  throw new OutOfMemoryError(
    `${file}: the JavaScript heap is at ${bytes(used)} of its ${bytes(limit)} limit`,
    held(),
    `give node a larger heap (NODE_OPTIONS=--max-old-space-size=${2 * Math.ceil(limit / 2 ** 20)}) if the machine has the memory, or ${less}`,
  );
}

const ALLOCATION_FAILED = /^(Array buffer allocation failed|Invalid string length|Invalid typed array length: \d+|Cannot create a string longer than|Worker terminated due to reaching memory limit)/;
const EXHAUSTION_CODES = new Set(['ENOMEM', 'ERR_BUFFER_TOO_LARGE', 'ERR_STRING_TOO_LONG', 'ERR_WORKER_OUT_OF_MEMORY']);

/**
 * The error an allocation failure stands for, or null when `e` is not one.
 * `file` and `held` say where and what, when the caller knows.
 */
export function outOfMemoryOf(e: unknown, file?: string, held: () => string = () => '', less = REPLAY_LESS): OutOfMemoryError | null {
  if (e instanceof OutOfMemoryError) return e;
  if (!(e instanceof Error)) return null;
  const code = (e as NodeJS.ErrnoException).code;
  if (!(e instanceof RangeError && ALLOCATION_FAILED.test(e.message)) && !(code !== undefined && EXHAUSTION_CODES.has(code))) return null;
  return new OutOfMemoryError(
    `${file === undefined ? '' : `${file}: `}${e.message.replace(/\.$/, '')}`,
    held(),
    `free memory or raise the process limits (ulimit -v, NODE_OPTIONS=--max-old-space-size=MiB), or ${less}`,
  );
}
