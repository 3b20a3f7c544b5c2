// Where a site is in the user's code (src/reports/source-location.ts): SARIF
// results and GitHub annotations of a native site go to the Python line that
// led to the C function, never to a C frame.

import { describe, expect, it } from 'vitest';
import { siteLocation } from '../../src/reports/source-location.js';

const SO = '_ring.cpython-311-x86_64-linux-gnu.so';

describe('siteLocation', () => {
  it('passes over native frames to the innermost Python frame in the project', () => {
    const stack = ['_start [python3.11+0x1040]', '<module> (/srv/app/main.py:12)', 'push (/usr/lib/python3.11/wrap.py:7)', `ring_push (ring.c:41) [${SO}+0x1234]`, `copy_item (/srv/app/ring.c:12) [${SO}+0x11a0]`];
    const loc = siteLocation(stack, '/srv/app')!;
    expect([loc.frame.file, loc.frame.line, loc.inProject]).toEqual(['/srv/app/main.py', 12, true]);
  });

  it('takes the innermost Python frame when none is in the project, and a native frame only when there is nothing else', () => {
    expect(siteLocation(['/usr/lib/a.py:3', `copy_item [${SO}+0x11a0]`], '/srv/app')!.frame).toMatchObject({ file: '/usr/lib/a.py', line: 3 });
    expect(siteLocation([`copy_item [${SO}+0x11a0]`], '/srv/app')!.frame).toMatchObject({ func: 'copy_item', native: { object: SO } });
  });
});
