// The real inputs the mutations start from: windows of the sample traces the
// project ships (traces/*.csv.gz, test/fixtures: CPython's own allocations,
// recorded by `memreplay record`, some with stack records), the same windows
// as JSONL, and tracemalloc's Snapshot.dump() pickles and JSONL snapshot
// files of test/fixtures/tracemalloc (written by CPython 3.8 and 3.13).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gunzipSync } from 'node:zlib';
import type { Rng } from './rng.js';

const CSV_TRACES = [
  'traces/startup-3.11.csv.gz',
  'traces/leak-3.11.csv.gz',
  'traces/churn-3.11.csv.gz',
  'traces/startup-3.8.csv.gz',
  'traces/startup-3.13.csv.gz',
  'test/fixtures/recorded/planted_leak-3.11.csv.gz',
  'test/fixtures/cpython-traces/startup-3.10.csv.gz',
];
const PICKLES = ['3.8/old.pickle', '3.8/new.pickle', '3.13/old.pickle', '3.13/new.pickle'];
const SNAPSHOT_JSONL = ['3.8/snapshots.jsonl.gz', '3.13/snapshots.jsonl.gz'];
/** Compressed bytes read of each trace: its first few MiB decoded are plenty to cut windows from. */
const GZIP_PREFIX_BYTES = 256 * 1024;

/** The repository root, from fuzz/ (vitest) or dist/fuzz/ (npm run fuzz). */
export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('fuzz: cannot find the repository root');
    dir = up;
  }
  return dir;
}

interface CsvSeed {
  /** Comment lines and the header row. */
  readonly head: string;
  readonly rows: readonly string[];
  /** The same rows as JSONL records, converted when first cut out. */
  readonly jsonlRows: (string | undefined)[];
  readonly jsonlMeta: string;
}

export class Seeds {
  private readonly csv: CsvSeed[];
  readonly pickles: readonly Uint8Array[];
  readonly snapshotJsonl: readonly Uint8Array[];

  constructor(root = repoRoot()) {
    this.csv = CSV_TRACES.map((path) => {
      const gz = readFileSync(join(root, path)).subarray(0, GZIP_PREFIX_BYTES);
      const text = gunzipSync(gz, { finishFlush: constants.Z_SYNC_FLUSH }).toString('utf8');
      const lines = text.split('\n');
      lines.pop(); // cut mid-line by the prefix
      const header = lines.findIndex((l) => !l.startsWith('#'));
      const head = lines.slice(0, header + 1).join('\n') + '\n';
      const rows = lines.slice(header + 1);
      return { head, rows, jsonlRows: new Array<string | undefined>(rows.length), jsonlMeta: jsonlMeta(head) };
    });
    const tm = join(root, 'test/fixtures/tracemalloc');
    this.pickles = PICKLES.map((p) => readFileSync(join(tm, p)));
    this.snapshotJsonl = SNAPSHOT_JSONL.map((p) => gunzipSync(readFileSync(join(tm, p))));
  }

  /** The head of a real trace and a run of its records from somewhere in it. */
  csvWindow(rng: Rng): Uint8Array {
    const { seed, start, end } = this.window(rng);
    return Buffer.from(seed.head + seed.rows.slice(start, end).join('\n') + '\n');
  }

  /** A window of a real trace as JSONL, as a converter following trace-format.md would write it. */
  jsonlWindow(rng: Rng): Uint8Array {
    const { seed, start, end } = this.window(rng);
    const out = [seed.jsonlMeta];
    for (let i = start; i < end; i++) out.push((seed.jsonlRows[i] ??= jsonlRecord(seed.head, seed.rows[i]!)));
    return Buffer.from(out.join('\n') + '\n');
  }

  private window(rng: Rng): { seed: CsvSeed; start: number; end: number } {
    const seed = rng.pick(this.csv);
    // Stack records come first in recorded traces: start near the top often.
    const start = rng.chance(0.3) ? 0 : rng.int(seed.rows.length);
    return { seed, start, end: Math.min(seed.rows.length, start + rng.small(400)) };
  }

  pickle(rng: Rng): Uint8Array {
    return rng.pick(this.pickles);
  }

  snapshotFile(rng: Rng): Uint8Array {
    return rng.pick(this.snapshotJsonl);
  }
}

const NUMERIC = new Set(['size', 'ts', 'stack']);

/** The `# key: value` comments of a CSV head as a JSONL meta record. */
function jsonlMeta(head: string): string {
  const meta: Record<string, string> = { op: 'meta' };
  for (const line of head.split('\n')) {
    const m = /^#\s*([^:]+):\s*(.*)$/.exec(line);
    if (m) meta[m[1]!] = m[2]!;
  }
  return JSON.stringify(meta);
}

/** One CSV row (under the head's header row) as a JSONL record: empty fields left out, frames as an array. */
function jsonlRecord(head: string, row: string): string {
  const names = head.trimEnd().split('\n').pop()!.split(',');
  const values = csvFields(row);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < names.length; i++) {
    const k = names[i]!;
    const v = values[i] ?? '';
    if (v === '') continue;
    out[k] = k === 'frames' ? v.split(';') : NUMERIC.has(k) && /^\d+$/.test(v) ? Number(v) : v;
  }
  return JSON.stringify(out);
}

/** The fields of one CSV row (RFC 4180 quotes; the sample traces quote frames and labels). */
function csvFields(row: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= row.length) {
    if (row[i] === '"') {
      let v = '';
      for (i++; i < row.length; i++) {
        if (row[i] === '"' && row[i + 1] === '"') (v += '"'), i++;
        else if (row[i] === '"') break;
        else v += row[i];
      }
      out.push(v);
      i += 2; // the closing quote and the comma
    } else {
      const comma = row.indexOf(',', i);
      const end = comma < 0 ? row.length : comma;
      out.push(row.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}
