// A trace whose frames have the long file paths of an ordinary project
// (/home/user/projects/service/src/package/module/handlers/requests.py):
// the report's site tables must fit their column by wrapping those paths
// after a slash, not make the reader scroll sideways. Five iterations, a mark
// after each: one site leaks steadily, one keeps a cache filled once, one
// frees everything, so the leak, peak, pinning and fragmentation tables all
// list these sites.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = '/home/user/projects/service/src/package/module';

/** Outermost frame first, as the trace format has them. */
const STACKS = {
  leak: [
    `<module> (${ROOT}/__main__.py:12)`,
    `serve_forever (${ROOT}/server/event_loop_dispatcher.py:231)`,
    `handle_request (${ROOT}/handlers/requests.py:142)`,
    `remember_response_payload (${ROOT}/handlers/caching/response_payload_cache.py:88)`,
  ],
  cache: [
    `<module> (${ROOT}/__main__.py:12)`,
    `load_configuration (${ROOT}/configuration/settings_loader.py:57)`,
    `build_lookup_tables (${ROOT}/configuration/lookup_tables/international_codes.py:301)`,
  ],
  transient: [
    `<module> (${ROOT}/__main__.py:12)`,
    `serve_forever (${ROOT}/server/event_loop_dispatcher.py:231)`,
    `handle_request (${ROOT}/handlers/requests.py:142)`,
    `parse_request_headers (${ROOT}/handlers/parsing/http_header_parser.py:415)`,
  ],
} as const;

/** CSV field: quoted, with quotes doubled. */
const field = (text: string) => `"${text.replace(/"/g, '""')}"`;

export function writeLongPathsTrace(dir: string): string {
  const lines = ['# python: 3.11.7', 'op,addr,size,old_addr,domain,ts,thread,stack,frames,label'];
  const ids = { leak: 1, cache: 2, transient: 3 } as const;
  for (const [name, id] of Object.entries(ids)) lines.push(`stack,,,,,,,${id},${field(STACKS[name as keyof typeof STACKS].join(';'))},`);
  let ts = 0;
  let next = 0;
  const alloc = (stack: number, size: number) => {
    const a = `0x${(0x100000 + next++ * 0x400).toString(16)}`;
    lines.push(`alloc,${a},${size},,obj,${++ts},1,${stack},,`);
    return a;
  };
  // The cache: filled once, before the first mark, and kept.
  for (let i = 0; i < 2_000; i++) alloc(ids.cache, 48 + (i % 8) * 16);
  for (let iteration = 0; iteration < 6; iteration++) {
    const parsed: string[] = [];
    for (let i = 0; i < 1_500; i++) {
      parsed.push(alloc(ids.transient, 64 + (i % 12) * 32));
      // Every tenth request's payload is kept: the steady leak.
      if (i % 10 === 0) alloc(ids.leak, 256);
    }
    for (const a of parsed) lines.push(`free,${a},,,obj,${++ts},1,,,`);
    lines.push(`mark,,,,,${++ts},,,,${field(`iteration ${iteration}`)}`);
  }
  const path = join(dir, 'long-paths.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}
