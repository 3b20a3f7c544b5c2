// Frame colours: by file or by package, the same name always the same colour.

import { describe, expect, it } from 'vitest';
import { colourKey, colourOf, packageOf } from '../../../src/reports/flame/frame-colour.js';

describe('frame colours', () => {
  it("names a frame's package by where its file lies", () => {
    expect(packageOf('/venv/lib/python3.11/site-packages/numpy/core/numeric.py')).toBe('numpy');
    expect(packageOf('/usr/lib/python3/dist-packages/six.py')).toBe('six');
    expect(packageOf('/usr/lib/python3.11/json/decoder.py')).toBe('stdlib');
    expect(packageOf('<frozen importlib._bootstrap>')).toBe('<frozen importlib._bootstrap>');
    expect(packageOf('/home/u/proj/app/main.py')).toBe('/home/u/proj/app');
    expect(packageOf('main.py')).toBe('main.py');
  });

  it('colours by file or by package, from the frame text', () => {
    const a = 'f (/venv/lib/python3.11/site-packages/numpy/a.py:1)';
    const b = 'g (/venv/lib/python3.11/site-packages/numpy/b.py:2)';
    expect(colourKey(a, 'package')).toBe(colourKey(b, 'package'));
    expect(colourKey(a, 'file')).not.toBe(colourKey(b, 'file'));
  });

  it('gives a name the same warm colour every time, and different names different ones', () => {
    expect(colourOf('numpy')).toBe(colourOf('numpy'));
    const colours = new Set(['numpy', 'stdlib', 'app.py', 'requests', 'six'].map(colourOf));
    expect(colours.size).toBe(5);
    for (const c of colours) {
      const hue = Number(/^hsl\((\d+),/.exec(c)![1]);
      expect(hue).toBeLessThanOrEqual(60);
    }
  });
});
