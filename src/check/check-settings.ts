// What a `check` run judges by, from its flags and memreplay.config.json: a
// flag wins over the config, the config over the default. Budgets remember
// where each came from (the report shows it); --at-end overrides the config's
// mark as --at does.

import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { DEFAULT_TOLERANCE, readBaseline, type Baseline } from './baseline.js';
import { BUDGET_NAMES, effectiveBudgets, type BudgetName, type Budgets } from './budgets.js';
import { budgetExpectation, findConfig, loadConfig, parseBudgetValue, parseTolerance, type CheckConfig } from './config.js';
import { CHECK_SCHEMA, type CheckOptions } from './run-check.js';

export interface LoadedConfig {
  /** The config file read, if any: the one given, else memreplay.config.json here or in a parent directory. */
  readonly file: string | undefined;
  readonly config: CheckConfig | undefined;
}

/** The config file given (`--config`, which must exist), else the one found from `cwd`. */
export function loadCheckConfig(given: string | undefined, cwd: string): LoadedConfig {
  const file = given ?? findConfig(cwd);
  if (given !== undefined && !existsSync(given)) throw new UsageError(`--config ${given}: no such file`);
  return { file, config: file === undefined ? undefined : loadConfig(file) };
}

/** A budget given on the command line: its text and the flag it came from (named in errors). */
export interface BudgetFlag {
  readonly flag: string;
  readonly text: string;
}

/** The budgets in force and where each came from. */
export function budgetsOf(
  flags: Partial<Record<BudgetName, BudgetFlag>>,
  config: CheckConfig | undefined,
): { budgets: Budgets; sources: CheckOptions['budgetSources'] } {
  const given: Budgets = {};
  const sources: CheckOptions['budgetSources'] = {};
  for (const name of BUDGET_NAMES) {
    const flag = flags[name];
    if (flag !== undefined) {
      const v = parseBudgetValue(name, flag.text);
      if (v === undefined) throw new UsageError(`--${flag.flag} ${JSON.stringify(flag.text)}: expected ${budgetExpectation(name)}`);
      given[name] = v;
      sources[name] = 'flag';
    } else if (config?.budgets[name] !== undefined) {
      given[name] = config.budgets[name];
      sources[name] = 'config';
    }
  }
  const budgets = effectiveBudgets(given);
  if (sources.steadyLeakSites === undefined) sources.steadyLeakSites = 'default';
  return { budgets, sources };
}

/** --tolerance, else the config's, else the default. */
export function toleranceOf(text: string | undefined, config: CheckConfig | undefined): number {
  const tolerance = text !== undefined ? parseTolerance(text) : (config?.tolerance ?? DEFAULT_TOLERANCE);
  if (tolerance === undefined) throw new UsageError(`--tolerance ${JSON.stringify(text)}: expected a ratio >= 0 (0.05) or a percentage (5%)`);
  return tolerance;
}

/** The baseline file compared with (--baseline, else the config's) and its contents. */
export function baselineOf(given: string | undefined, config: CheckConfig | undefined): { file: string | undefined; baseline: Baseline | undefined } {
  const file = given ?? config?.baseline;
  return { file, baseline: file === undefined ? undefined : readBaseline(file, CHECK_SCHEMA) };
}

/** How the leaks are measured: the flags, with the config's values where a flag is not given. */
export interface LeakSettings {
  readonly by?: string | undefined;
  readonly at?: string | undefined;
  readonly atEnd?: boolean | undefined;
  readonly warmup?: string | undefined;
  readonly marks?: string | undefined;
}

export function leakSettingsOf<T extends LeakSettings>(given: T, config: CheckConfig | undefined): T {
  return {
    ...given,
    by: given.by ?? config?.by,
    // --at-end overrides the config's mark as --at does.
    at: given.atEnd === true ? undefined : (given.at ?? config?.at),
    warmup: given.warmup ?? config?.warmup,
    marks: given.marks ?? config?.marks,
  };
}

/** The --allow-* rules: a flag, else the config's, else not allowed. */
export function allowancesOf(
  given: { allowNoVerdict?: boolean | undefined; allowIncomplete?: boolean | undefined; allowInexact?: boolean | undefined },
  config: CheckConfig | undefined,
): Pick<CheckOptions, 'allowNoVerdict' | 'allowIncomplete' | 'allowInexact'> {
  return {
    allowNoVerdict: given.allowNoVerdict ?? config?.allowNoVerdict ?? false,
    allowIncomplete: given.allowIncomplete ?? config?.allowIncomplete ?? false,
    allowInexact: given.allowInexact ?? config?.allowInexact ?? false,
  };
}
