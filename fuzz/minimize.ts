// Shrinking a failing input (delta debugging): drop ever smaller pieces of it
// as long as the same failure - same problem, same first line of message
// with the numbers taken out - still happens. What is left is usually a line
// or a few bytes: the reproducer a report needs.

import { runCase, type Failure, type FuzzCase } from './campaign.js';

/** A failure's kind and message, without the numbers (offsets, line numbers) that shrinking changes. */
export function signature(problem: string, detail: string): string {
  return `${problem}: ${detail.split('\n')[0]!.replace(/\d+/g, '#')}`;
}

export async function minimize(failure: Failure, seed: number, budgetMs = 60_000): Promise<Uint8Array> {
  const wanted = signature(failure.problem, failure.detail);
  return shrinkBytes(
    failure.case.bytes,
    async (bytes) => {
      const c: FuzzCase = { ...failure.case, bytes };
      const { failures } = await runCase(c, seed, { slowMs: Number.POSITIVE_INFINITY });
      return failures.some((f) => signature(f.problem, f.detail) === wanted);
    },
    budgetMs,
  );
}

/** The smallest part of `bytes` found (pieces of halving size dropped in turn) for which `fails` still holds. */
export async function shrinkBytes(bytes: Uint8Array, fails: (bytes: Uint8Array) => Promise<boolean>, budgetMs: number): Promise<Uint8Array> {
  const deadline = performance.now() + budgetMs;
  let best = bytes;
  for (let piece = Math.max(1, best.length >> 1); performance.now() < deadline; piece >>= 1) {
    for (let at = 0; at < best.length && performance.now() < deadline; ) {
      const candidate = Buffer.concat([best.subarray(0, at), best.subarray(at + piece)]);
      if (await fails(candidate)) best = candidate;
      else at += piece;
    }
    if (piece === 1) break;
  }
  return best;
}
