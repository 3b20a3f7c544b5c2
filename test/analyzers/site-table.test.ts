// Sites of native blocks (src/analyzers/site-table.ts): named by the C
// function that called malloc and the Python line that led there, by every
// grouping; the whole mixed stack by traceback; Python sites as before.

import { describe, expect, it } from 'vitest';
import { NATIVE_SITE_SEPARATOR, SiteTable, type SiteTableOptions } from '../../src/analyzers/site-table.js';
import { DOMAIN_NATIVE, DOMAIN_OBJ } from '../../src/events/ops.js';
import { StackTable } from '../../src/events/stack-table.js';
import { geometryFor } from '../../src/models/pymalloc/geometry.js';
import { NOT_PYMALLOC } from '../../src/models/pymalloc/pymalloc-view.js';

const SO = '_leaky.cpython-311-x86_64-linux-gnu.so';
const C_FRAME = `copy_item (src/ring.c:12) [${SO}+0x11a0]`;
const MIXED = ['_start [python3.11+0x1040]', '<module> (/srv/app/main.py:3)', 'push (/srv/lib/wrap.py:7)', `ring_push [${SO}+0x1234]`, C_FRAME];

function siteOf(frames: string[], options: SiteTableOptions): { key: string; frame: string | null; nativeFrame: string | null } {
  const stacks = new StackTable();
  const table = new SiteTable(stacks, geometryFor('3.11'), options);
  const site = table.siteOf(stacks.intern(frames), DOMAIN_NATIVE, NOT_PYMALLOC, () => 0);
  const info = table.info(site);
  return { key: info.key, frame: info.frame, nativeFrame: info.nativeFrame };
}

describe('native sites', () => {
  it('by line: the innermost C frame and the innermost Python frame', () => {
    expect(siteOf(MIXED, { by: 'lineno' })).toEqual({ key: C_FRAME + NATIVE_SITE_SEPARATOR + 'push (/srv/lib/wrap.py:7)', frame: 'push (/srv/lib/wrap.py:7)', nativeFrame: C_FRAME });
  });

  it('by function: the C function in its object, and the Python line', () => {
    expect(siteOf(MIXED, { by: 'function' }).key).toBe(`copy_item [${SO}]${NATIVE_SITE_SEPARATOR}push (/srv/lib/wrap.py:7)`);
  });

  it('by filename: the C source file, or the object without debug information, and the Python file', () => {
    expect(siteOf(MIXED, { by: 'filename' }).key).toBe(`src/ring.c${NATIVE_SITE_SEPARATOR}/srv/lib/wrap.py`);
    expect(siteOf([...MIXED.slice(0, -1)], { by: 'filename' }).key).toBe(`${SO}${NATIVE_SITE_SEPARATOR}/srv/lib/wrap.py`);
  });

  it('with a project root: the innermost Python frame in the project', () => {
    expect(siteOf(MIXED, { by: 'lineno', projectRoot: '/srv/app' }).frame).toBe('<module> (/srv/app/main.py:3)');
  });

  it('a stack of C frames only is named by its C frame alone', () => {
    expect(siteOf(['start_thread [libc.so.6+0x94ac3]', C_FRAME], { by: 'lineno' })).toEqual({ key: C_FRAME, frame: null, nativeFrame: C_FRAME });
  });

  it('by traceback: the whole mixed stack', () => {
    expect(siteOf(MIXED, { by: 'traceback' }).key).toBe(MIXED.join('; '));
  });

  it('a Python block whose stack ends in Python is named as before, whatever C frames are outside it', () => {
    const stacks = new StackTable();
    const table = new SiteTable(stacks, geometryFor('3.11'), { by: 'lineno' });
    const info = table.info(table.siteOf(stacks.intern(['_start [python3.11+0x1040]', 'main.py:3']), DOMAIN_OBJ, NOT_PYMALLOC, () => 0));
    expect(info).toMatchObject({ key: 'main.py:3', frame: 'main.py:3', nativeFrame: null });
  });

  it('names native blocks without a stack apart from raw ones', () => {
    const stacks = new StackTable();
    const table = new SiteTable(stacks, geometryFor('3.11'), { by: 'lineno' });
    expect(table.info(table.siteOf(-1, DOMAIN_NATIVE, NOT_PYMALLOC, () => 0)).key).toBe('(no stack) native domain');
  });
});
