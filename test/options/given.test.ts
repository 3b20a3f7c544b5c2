// withDefaults: a driver's options as given, each group and each field left
// out (or undefined) taking the default declared beside its group.

import { describe, expect, it } from 'vitest';
import { withDefaults } from '../../src/options/given.js';
import { DEFAULT_SITE_OPTIONS, DEFAULT_TOP } from '../../src/options/site-options.js';
import { DEFAULT_TRACE_OPTIONS } from '../../src/options/trace-options.js';
import { judgedMarkLabel } from '../../src/options/instant-options.js';

interface Options {
  trace: typeof DEFAULT_TRACE_OPTIONS;
  sites: typeof DEFAULT_SITE_OPTIONS;
  versions: readonly string[];
}

const DEFAULTS: Options = { trace: DEFAULT_TRACE_OPTIONS, sites: DEFAULT_SITE_OPTIONS, versions: ['3.11'] };

describe('withDefaults', () => {
  it('gives every group its defaults when nothing is given', () => {
    expect(withDefaults(DEFAULTS)).toEqual({ trace: { lenient: false }, sites: { by: 'lineno', top: DEFAULT_TOP }, versions: ['3.11'] });
  });

  it('keeps the defaults of the fields a group leaves out or leaves undefined', () => {
    const options = withDefaults(DEFAULTS, { sites: { top: 3, by: undefined }, trace: { python: '3.8' } });
    expect(options.sites).toEqual({ by: 'lineno', top: 3 });
    expect(options.trace).toEqual({ lenient: false, python: '3.8' });
  });

  it('refuses an option given flat, outside its group, instead of ignoring it', () => {
    const flat = { top: 3 } as unknown as Parameters<typeof withDefaults<Options>>[1];
    expect(() => withDefaults(DEFAULTS, flat)).toThrow(/unknown option "top": the options are grouped as trace, sites, versions/);
  });

  it('replaces a list whole instead of merging it, and never changes the defaults', () => {
    expect(withDefaults(DEFAULTS, { versions: ['3.8', '3.13'] }).versions).toEqual(['3.8', '3.13']);
    withDefaults(DEFAULTS, { sites: { top: 1 } });
    expect(DEFAULT_SITE_OPTIONS.top).toBe(DEFAULT_TOP);
  });
});

describe('judgedMarkLabel', () => {
  it('judges --at, else the stats mark; --at-end judges the end', () => {
    expect(judgedMarkLabel({ at: 'warm' })).toBe('warm');
    expect(judgedMarkLabel({})).toBe('stats');
    expect(judgedMarkLabel({ atEnd: true })).toBeNull();
  });
});
