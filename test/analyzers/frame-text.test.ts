import { describe, expect, it } from 'vitest';
import { fileAndLine, parseFrame } from '../../src/analyzers/frame-text.js';

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
});
