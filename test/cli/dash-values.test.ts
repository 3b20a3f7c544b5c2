// joinDashValues: which `-`-led tokens become the value of the option before them.

import { describe, expect, it } from 'vitest';
import { joinDashValues, valueOptionsOf } from '../../cli/dash-values.js';
import { checkCommand } from '../../cli/commands/check.js';

const VALUES = new Set(['tolerance', 'top', 'j', 'jobs', 'at']);
const join = (argv: string[]) => joinDashValues(argv, (name) => VALUES.has(name));

describe('joinDashValues', () => {
  it('joins a value that starts with - and a digit or a dot to the option that takes it', () => {
    expect(join(['check', 't.csv', '--tolerance', '-5%'])).toEqual(['check', 't.csv', '--tolerance=-5%']);
    expect(join(['-j', '-.5', '--at', '-1'])).toEqual(['-j=-.5', '--at=-1']);
  });

  it('leaves flags, options given with =, other dash tokens and everything after -- alone', () => {
    expect(join(['--json', '-5', '--top=-1', '--top', '-q', '--top', '--', '--at', '-1'])).toEqual([
      '--json', '-5', '--top=-1', '--top', '-q', '--top', '--', '--at', '-1',
    ]);
  });
});

describe('valueOptionsOf', () => {
  it("reads a command's value-taking options from its builder, not its flags", () => {
    const options = valueOptionsOf(checkCommand);
    for (const name of ['tolerance', 'max-fragmentation', 'jobs', 'j', 'at', 'top']) expect(options.has(name), name).toBe(true);
    for (const name of ['json', 'force', 'quiet']) expect(options.has(name), name).toBe(false);
  });
});
