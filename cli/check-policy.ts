// The options of `check`'s verdict - budgets, config file, baseline and
// tolerance, the allowances - shared by `check` and `fleet submit` (which
// hands the same verdict to the workers and to `fleet report`): declared and
// turned into CheckOptions once, so the two give the same report.

import type { Argv } from 'yargs';
import { DEFAULT_TOLERANCE } from '../src/check/baseline.js';
import { BUDGET_NAMES, type BudgetName } from '../src/check/budgets.js';
import { allowancesOf, baselineOf, budgetsOf, leakSettingsOf, loadCheckConfig, toleranceOf, type BudgetFlag } from '../src/check/check-settings.js';
import type { CheckOptions } from '../src/check/run-check.js';
import { loadSuppressions } from '../src/suppressions/load.js';
import { leakOptionsOf, type LeakArgs } from './leak-options.js';
import type { TopArgs } from './site-options.js';

/** How byte budgets may be written (src/check/byte-size.ts). */
const BYTES_SYNTAX = '1048576, 64MiB, 1.5GB';

export interface CheckPolicyArgs extends LeakArgs, TopArgs {
  config?: string;
  baseline?: string;
  tolerance?: string;
  maxLeakSites?: string;
  maxLeakedBytes?: string;
  maxSiteLeakedBytes?: string;
  maxPeakFootprint?: string;
  maxArenas?: string;
  maxFragmentation?: string;
  maxNativeLeakedBytes?: string;
  maxPeakNativeHeap?: string;
  maxPeakMmap?: string;
  allowNoVerdict?: boolean;
  allowIncomplete?: boolean;
  allowInexact?: boolean;
}

/** Budget flags, by budget. */
export const BUDGET_FLAGS: Record<BudgetName, { flag: string; key: keyof CheckPolicyArgs; describe: string }> = {
  steadyLeakSites: { flag: 'max-leak-sites', key: 'maxLeakSites', describe: 'steady-state leak sites allowed (default 0)' },
  leakedBytes: { flag: 'max-leaked-bytes', key: 'maxLeakedBytes', describe: `bytes live at the end (or --at), after suppressions: ${BYTES_SYNTAX}` },
  siteLeakedBytes: { flag: 'max-site-leaked-bytes', key: 'maxSiteLeakedBytes', describe: `bytes live at any one site: ${BYTES_SYNTAX}` },
  peakFootprintBytes: { flag: 'max-peak-footprint', key: 'maxPeakFootprint', describe: `peak footprint, arenas plus C-library bytes: ${BYTES_SYNTAX}` },
  arenas: { flag: 'max-arenas', key: 'maxArenas', describe: 'arena high-water mark' },
  fragmentation: { flag: 'max-fragmentation', key: 'maxFragmentation', describe: 'free share of the arena bytes at the end (or --at): 0.4 or 40%, at most 1 (100%)' },
  nativeLeakedBytes: { flag: 'max-native-leaked-bytes', key: 'maxNativeLeakedBytes', describe: `native bytes (C code's own malloc) live at the end (or --at), after suppressions: ${BYTES_SYNTAX}` },
  peakNativeHeapBytes: { flag: 'max-peak-native-heap', key: 'maxPeakNativeHeap', describe: `peak of native heap bytes: ${BYTES_SYNTAX}` },
  peakMmapBytes: { flag: 'max-peak-mmap', key: 'maxPeakMmap', describe: `peak of anonymous mappings C code made directly: ${BYTES_SYNTAX}` },
};

/** --config, --baseline, --tolerance, the allowances and the budget flags. */
export function withCheckPolicyOptions<T>(y: Argv<T>): Argv<T & CheckPolicyArgs> {
  let b = y
    .option('config', { type: 'string', describe: 'config file (default: memreplay.config.json here or in a parent directory)' })
    .option('baseline', { type: 'string', describe: 'fail when a figure rose above this earlier --json report by more than --tolerance' })
    .option('tolerance', { type: 'string', describe: `allowed increase over the baseline: 0.05 or 5% (default ${DEFAULT_TOLERANCE * 100}%)` })
    .option('allow-no-verdict', {
      type: 'boolean',
      describe: 'pass a trace with too few intervals after the warm-up for a leak verdict (with a warning) instead of failing it',
    })
    .option('allow-incomplete', {
      type: 'boolean',
      describe: 'pass a trace cut short (no end mark: a crash, os._exit, a kill, a cut file) on its figures (with a warning) instead of failing it',
    })
    .option('allow-inexact', {
      type: 'boolean',
      describe: "pass a replay the model did not follow exactly (block addresses or arenas differ from the trace, or trace anomalies) on the model's figures (with a warning) instead of failing it",
    });
  for (const name of BUDGET_NAMES) b = b.option(BUDGET_FLAGS[name].flag, { type: 'string', describe: BUDGET_FLAGS[name].describe });
  return b as unknown as Argv<T & CheckPolicyArgs>;
}

export interface CheckPolicy {
  readonly options: CheckOptions;
  readonly configFile: string | undefined;
  readonly baselineFile: string | undefined;
  /** The config and suppression files read. */
  readonly readFiles: readonly string[];
}

/** The check's options from the flags and the config file (found from `cwd` unless --config names it). */
export function checkPolicyOf(args: CheckPolicyArgs, cwd: string = process.cwd()): CheckPolicy {
  const { file: configFile, config } = loadCheckConfig(args.config, cwd);
  const { budgets, sources } = budgetsOf(budgetFlagsOf(args), config);
  const tolerance = toleranceOf(args.tolerance, config);
  const { file: baselineFile, baseline } = baselineOf(args.baseline, config);
  const merged = leakSettingsOf(args, config);
  const suppressions = loadSuppressions([...(config?.suppressions ?? []), ...(args.suppressions ?? [])]);
  const options: CheckOptions = {
    leaks: leakOptionsOf(merged, suppressions),
    budgets,
    budgetSources: sources,
    ...allowancesOf(args, config),
    tolerance,
    ...(baseline !== undefined ? { baseline } : {}),
    configFile: configFile ?? null,
    suppressionFiles: suppressions.files,
  };
  return { options, configFile, baselineFile, readFiles: [...(configFile !== undefined ? [configFile] : []), ...suppressions.files] };
}

/** The budget flags given, by budget. */
function budgetFlagsOf(args: CheckPolicyArgs): Partial<Record<BudgetName, BudgetFlag>> {
  const flags: Partial<Record<BudgetName, BudgetFlag>> = {};
  for (const name of BUDGET_NAMES) {
    const { flag, key } = BUDGET_FLAGS[name];
    const text = args[key] as string | undefined;
    if (text !== undefined) flags[name] = { flag, text };
  }
  return flags;
}
