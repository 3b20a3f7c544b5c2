// V8 hashes a string of more than 16,383 characters by its length alone, so
// a Map keyed by many distinct long strings of one length compares each new
// key with all of them: quadratic time from text an untrusted file chooses.
// Measured on Node 20: 3000 keys of 16,383 characters went in in 1 s; of
// 16,384 characters, in 65 s. Keys that can be that long are replaced by a
// digest, in a form no short key can take.

import { createHash } from 'node:crypto';

/** Longest string V8 hashes by its content (String::kMaxHashCalcLength). */
export const MAX_HASHED_KEY_CHARS = 16_383;

/** The SHA-256 of `text`'s UTF-16 code units, in base64 (44 characters): exact, lone surrogates included (UTF-8 would merge them). */
export function digestOf(text: string): string {
  return createHash('sha256').update(text, 'utf16le').digest('base64');
}
