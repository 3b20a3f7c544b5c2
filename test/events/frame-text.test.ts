import { describe, expect, it } from 'vitest';
import { fileAndLine, isNativeFrame, parseFrame } from '../../src/events/frame-text.js';

describe('parseFrame', () => {
  it('reads file:line', () => {
    expect(parseFrame('app/main.py:12')).toEqual({ func: '', file: 'app/main.py', line: 12 });
  });

  it('reads function (file:line), with a colon in the path', () => {
    expect(parseFrame('handle (C:/srv/app.py:40)')).toEqual({ func: 'handle', file: 'C:/srv/app.py', line: 40 });
    expect(parseFrame('<module> (<frozen runpy>:88)')).toEqual({ func: '<module>', file: '<frozen runpy>', line: 88 });
  });

  it('keeps a frame of neither form whole, as a file without a line', () => {
    expect(parseFrame('<unknown>')).toEqual({ func: '', file: '<unknown>', line: 0 });
    expect(parseFrame('x.py:12a')).toEqual({ func: '', file: 'x.py:12a', line: 0 });
    expect(fileAndLine(parseFrame('<unknown>'))).toBe('<unknown>');
    expect(fileAndLine(parseFrame('f (a.py:3)'))).toBe('a.py:3');
  });

  it('reads function (file) as function f in file a.py, with no line', () => {
    expect(parseFrame('f (a.py)')).toEqual({ func: 'f', file: 'a.py', line: 0 });
  });

  it('reads :5 as line 5 of the file named by the empty string', () => {
    expect(parseFrame(':5')).toEqual({ func: '', file: '', line: 5 });
    expect(parseFrame('g (:5)')).toEqual({ func: 'g', file: '', line: 5 });
  });

  it('keeps digits past 2^32 - 1 as part of the file name, not a line', () => {
    const maxLine = 2 ** 32 - 1;
    expect(parseFrame(`a.py:${maxLine}`)).toEqual({ func: '', file: 'a.py', line: maxLine });
    expect(parseFrame(`a.py:${maxLine + 1}`)).toEqual({ func: '', file: `a.py:${maxLine + 1}`, line: 0 });
    const twentyDigits = '12345678901234567890';
    expect(parseFrame(`a.py:${twentyDigits}`)).toEqual({ func: '', file: `a.py:${twentyDigits}`, line: 0 });
    expect(parseFrame(`f (a.py:${twentyDigits})`)).toEqual({ func: 'f', file: `a.py:${twentyDigits}`, line: 0 });
  });

  it('reads a native frame: its function, the object and offset, and file and line when it has debug information', () => {
    const so = '_leaky.cpython-311-x86_64-linux-gnu.so';
    expect(parseFrame(`copy_item [${so}+0x11a0]`)).toEqual({ func: 'copy_item', file: '', line: 0, native: { object: so, offset: '0x11a0' } });
    expect(parseFrame(`copy_item (src/ring.c:41) [${so}+0x11a0]`)).toEqual({ func: 'copy_item', file: 'src/ring.c', line: 41, native: { object: so, offset: '0x11a0' } });
    expect(parseFrame('?? [libc.so.6+0x2a1ca]')).toEqual({ func: '??', file: '', line: 0, native: { object: 'libc.so.6', offset: '0x2a1ca' } });
    expect(parseFrame('ns::f(int) (a.cc:3) [libx.so+0x10]')).toMatchObject({ func: 'ns::f(int)', file: 'a.cc', line: 3 });
    expect(isNativeFrame(`copy_item [${so}+0x11a0]`)).toBe(true);
  });

  it('reads a frame whose brackets are not an object and offset as a Python frame', () => {
    for (const text of ['f [a.so]', 'f [a.so+11a0]', 'a.py:3 [x+0x1] tail', 'f (a.py:3)']) {
      expect(parseFrame(text).native, text).toBeUndefined();
      expect(isNativeFrame(text), text).toBe(false);
    }
  });
});
