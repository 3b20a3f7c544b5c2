// What a check run judges by: a flag wins over memreplay.config.json, the
// config over the default, and each budget says where it came from.

import { describe, expect, it } from 'vitest';
import { DEFAULT_TOLERANCE } from '../../src/check/baseline.js';
import { allowancesOf, budgetsOf, leakSettingsOf, toleranceOf } from '../../src/check/check-settings.js';
import { parseConfig, type CheckConfig } from '../../src/check/config.js';

const config = (check: Record<string, unknown>): CheckConfig => parseConfig({ check }, 'memreplay.config.json');

describe('check settings', () => {
  it('takes a budget from its flag over the config, and from the config when no flag is given', () => {
    const c = config({ budgets: { arenas: 7, leakedBytes: '1KiB' } });
    const { budgets, sources } = budgetsOf({ arenas: { flag: 'max-arenas', text: '3' } }, c);
    expect(budgets.arenas).toBe(3);
    expect(budgets.leakedBytes).toBe(1024);
    expect(sources).toEqual({ arenas: 'flag', leakedBytes: 'config', steadyLeakSites: 'default' });
  });

  it('names the flag of a bad budget value', () => {
    expect(() => budgetsOf({ leakedBytes: { flag: 'max-leaked-bytes', text: 'lots' } }, undefined)).toThrow(/^--max-leaked-bytes "lots": expected/);
  });

  it('takes the tolerance from the flag, else the config, else the default', () => {
    const c = config({ tolerance: '10%' });
    expect(toleranceOf('2%', c)).toBeCloseTo(0.02);
    expect(toleranceOf(undefined, c)).toBeCloseTo(0.1);
    expect(toleranceOf(undefined, undefined)).toBe(DEFAULT_TOLERANCE);
    expect(() => toleranceOf('-1', undefined)).toThrow(/^--tolerance "-1"/);
  });

  it("lets --at-end override the config's mark as --at does", () => {
    const c = config({ at: 'done', warmup: 2, marks: 'iteration *' });
    expect(leakSettingsOf({}, c)).toMatchObject({ at: 'done', warmup: '2', marks: 'iteration *' });
    expect(leakSettingsOf({ at: 'other' }, c).at).toBe('other');
    expect(leakSettingsOf({ atEnd: true }, c).at).toBeUndefined();
  });

  it('allows what a flag or the config allows, and nothing by default', () => {
    expect(allowancesOf({}, undefined)).toEqual({ allowNoVerdict: false, allowIncomplete: false, allowInexact: false });
    const c = config({ allowIncomplete: true, allowInexact: true });
    expect(allowancesOf({ allowInexact: false }, c)).toEqual({ allowNoVerdict: false, allowIncomplete: true, allowInexact: false });
  });
});
