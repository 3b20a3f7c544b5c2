// The compare's options: defaults, and a one-line error naming the option for each bad value.

import { describe, expect, it } from 'vitest';
import { COMPARE_FORMATS, COMPARE_MODES, DEFAULT_COMPARE_EVENTS, parseCompareOptions } from '../../../bench/compare/options.js';

describe('parseCompareOptions', () => {
  it('gives every mode, 3 rounds, the default synthetic size in CSV, the real trace, unpinned, no overwrite, when only the ref is given', () => {
    const o = parseCompareOptions({ compare: 'HEAD~1' });
    expect(o.ref).toBe('HEAD~1');
    expect(o.modes).toEqual([...COMPARE_MODES]);
    expect(o.repeat).toBe(3);
    expect(o.events).toEqual([Number(DEFAULT_COMPARE_EVENTS)]);
    expect(o.formats).toEqual(['csv']);
    expect(o).toMatchObject({ seed: 1, skipReal: false, oneCore: false, force: false });
  });

  it('reads lists, sizes with k/M suffixes (sorted, without repeats) and the flags', () => {
    const o = parseCompareOptions({
      compare: 'main',
      modes: 'report, leaks',
      repeat: '7',
      events: '2M,500k,2000000',
      formats: [...COMPARE_FORMATS].reverse().join(','),
      seed: '42',
      'skip-real': true,
      'one-core': true,
      force: true,
    });
    expect(o.modes).toEqual(['report', 'leaks']);
    expect(o.repeat).toBe(7);
    expect(o.events).toEqual([500_000, 2_000_000]);
    expect(o.formats).toEqual([...COMPARE_FORMATS].reverse());
    expect(o).toMatchObject({ seed: 42, skipReal: true, oneCore: true, force: true });
  });

  it('--quick takes 1 M events whatever --events says', () => {
    expect(parseCompareOptions({ compare: 'HEAD', quick: true, events: '5M' }).events).toEqual([1_000_000]);
  });

  it.each([
    [{ compare: '' }, /^--compare needs a git ref/],
    [{ compare: '  ' }, /^--compare needs a git ref/],
    [{ compare: 'HEAD', modes: 'analyze,parse' }, /^--modes parse: expected some of analyze,leaks,report$/],
    [{ compare: 'HEAD', modes: ',' }, /^--modes: expected some of/],
    [{ compare: 'HEAD', repeat: '0' }, /^--repeat 0: expected a whole number from 1 to 99$/],
    [{ compare: 'HEAD', repeat: '2.5' }, /^--repeat 2\.5: /],
    [{ compare: 'HEAD', repeat: '100' }, /^--repeat 100: /],
    [{ compare: 'HEAD', events: '999' }, /^--events 999: expected whole numbers >= 1000/],
    [{ compare: 'HEAD', formats: 'jsonl' }, /^--formats jsonl: /],
    [{ compare: 'HEAD', seed: '-1' }, /^--seed -1: /],
  ])('refuses %j with a one-line error', (values, message) => {
    expect(() => parseCompareOptions(values)).toThrow(message);
    try {
      parseCompareOptions(values);
    } catch (e) {
      expect((e as Error).message).not.toContain('\n');
    }
  });
});
