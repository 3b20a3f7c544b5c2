// What `diff` was given, from the first decoded bytes (never the file name):
// a tracemalloc Snapshot.dump() pickle, a JSONL snapshot file, or an event
// trace (anything else: the trace importers decide, and word the errors).

import { firstNonBlank, MAX_BLANK_LEAD } from './sniff.js';

export type DiffInputKind = 'snapshot-pickle' | 'snapshot-jsonl' | 'trace';

/** How many bytes the decision looks at after any blank lead (fewer when the file is shorter). */
export const DIFF_SNIFF_BYTES = 64 * 1024;

/**
 * How many leading decoded bytes the decision needs, from those read so
 * far: DIFF_SNIFF_BYTES past the blank lines that lead the file (up to
 * MAX_BLANK_LEAD of them, as for traces). Fixed by the bytes, never by how
 * they were cut into reads: a reader reads until it has this many (or the
 * end) and sniffs exactly those.
 */
export function diffHeadLength(head: Uint8Array): number {
  const lead = firstNonBlank(head);
  return (lead === -1 ? head.length : lead) + DIFF_SNIFF_BYTES;
}

/**
 * Protocol 2+ pickles start with PROTO (0x80) and the protocol number;
 * Snapshot.dump() always writes protocol 4 or 5. Protocols up to 15 count
 * (0x80 never starts UTF-8 text), so that a pickle of a protocol the reader
 * does not know is told so by the reader, not called "not a trace". Protocols 0 and 1 have no
 * header; a pickled Snapshot then starts by naming copyreg._reconstructor.
 */
const PROTO_0_1_SNAPSHOT = Buffer.from('ccopy_reg\n_reconstructor\n', 'latin1');

const SNAPSHOT_OP = /"op"\s*:\s*"(?:snapshot|trace)"/;

export function sniffDiffInput(head: Uint8Array): DiffInputKind {
  if (head.length >= 2 && head[0] === 0x80 && head[1]! <= 15) return 'snapshot-pickle';
  if (head.length >= PROTO_0_1_SNAPSHOT.length && Buffer.from(head.buffer, head.byteOffset, PROTO_0_1_SNAPSHOT.length).equals(PROTO_0_1_SNAPSHOT)) {
    return 'snapshot-pickle';
  }
  // JSONL: the first record, or the one after a meta line, is a snapshot or trace record.
  const lead = firstNonBlank(head);
  if (lead === -1 || lead >= MAX_BLANK_LEAD) return 'trace';
  const window = head.subarray(lead, lead + DIFF_SNIFF_BYTES);
  const lines = Buffer.from(window.buffer, window.byteOffset, window.length).toString('utf8').split('\n');
  let seen = 0;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('{')) return 'trace';
    if (SNAPSHOT_OP.test(line)) return 'snapshot-jsonl';
    if (++seen === 2) break;
  }
  return 'trace';
}
