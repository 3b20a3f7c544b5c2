// A trace whose every string is an attack on the HTML report: frames, marks
// and metadata that would run script, load an image or break out of an
// element if they were pasted into the page unescaped. Its allocations are
// ordinary (blocks of mixed sizes filling several arenas, two thirds of them
// freed) so that every section of the report has content.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const HOSTILE_STRINGS = [
  '<img src=x onerror=alert(1)>',
  '</script><script>alert(2)</script>',
  '"><svg onload=alert(3)>',
  "'><iframe src=javascript:alert(4)>",
  '</style><link rel=stylesheet href=http://example.invalid/x.css>',
  'line\u2028separator\u2029</title>',
];

/** CSV field: quoted, with quotes doubled. */
const field = (text: string) => `"${text.replace(/"/g, '""')}"`;

export function writeHostileTrace(dir: string): string {
  const lines = ['# python: 3.11.7', `# comment: ${HOSTILE_STRINGS[1]}`, 'op,addr,size,old_addr,domain,ts,thread,stack,frames,label'];
  let ts = 0;
  const mark = (k: number) => lines.push(`mark,,,,,${++ts},,,,${field(HOSTILE_STRINGS[k % HOSTILE_STRINGS.length]!)}`);
  const addr = (i: number) => `0x${(0x100000 + i * 0x1000).toString(16)}`;
  // Fill several arenas, then free two blocks of every three: the survivors
  // pin every arena, the pinning and arena-map sections have something to show.
  const n = 12_000;
  for (let i = 0; i < n; i++) {
    if (i % 3000 === 0) mark(i / 3000);
    const site = HOSTILE_STRINGS[i % HOSTILE_STRINGS.length]!;
    lines.push(`alloc,${addr(i)},${16 + (i % 31) * 16},,obj,${++ts},1,,${field(`app.py:${i % 7};${site}:${i % 5}`)},`);
  }
  mark(4);
  for (let i = 0; i < n; i++) if (i % 3 !== 0) lines.push(`free,${addr(i)},,,obj,${++ts},1,,,`);
  mark(5);
  const path = join(dir, 'hostile <img src=x>.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}
