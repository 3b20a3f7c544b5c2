// What `diff` was given, from the first decoded bytes (never the file name):
// a tracemalloc Snapshot.dump() pickle, a JSONL snapshot file, or an event
// trace (anything else: the trace importers decide, and word the errors).

export type DiffInputKind = 'snapshot-pickle' | 'snapshot-jsonl' | 'trace';

/** How many leading bytes the decision looks at (fewer when the file is shorter). */
export const DIFF_SNIFF_BYTES = 64 * 1024;

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
  const text = Buffer.from(head.buffer, head.byteOffset, head.length).toString('utf8');
  const lines = text.replace(/^\uFEFF/, '').split('\n');
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
