// memreplay.config.json: the settings of `memreplay check` a project commits.
// Found by searching the working directory and its parents (the nearest
// wins), or named with --config. Read strictly: an unknown key or a value of
// the wrong kind is an error naming the file and the key, so a typo never
// silently disables a budget. Paths inside are relative to the file.
//
//   {
//     "check": {
//       "budgets": { "steadyLeakSites": 0, "leakedBytes": "4 MiB", "siteLeakedBytes": "512 KiB",
//                    "peakFootprintBytes": "64 MiB", "arenas": 40, "fragmentation": 0.6 },
//       "baseline": "ci/memreplay-baseline.json", "tolerance": "5%",
//       "warmup": 2, "marks": "iteration *", "by": "lineno", "at": "done", "allowNoVerdict": false, "allowIncomplete": false, "allowInexact": false,
//       "suppressions": ["ci/memreplay.supp"],
//       "perTest": { "limitLeaks": "4 KiB", "limitMemory": "64 MiB" }
//     }
//   }

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MemreplayError } from '../errors.js';
import { SITE_GROUPINGS, type SiteGrouping } from '../analyzers/site-table.js';
import { BUDGET_NAMES, BUDGET_UNITS, type Budgets } from './budgets.js';
import { parseByteSize } from './byte-size.js';
import type { PerTestDefaults } from './per-test-policy.js';

export const CONFIG_FILE = 'memreplay.config.json';
const MAX_CONFIG_BYTES = 1024 * 1024;

export interface CheckConfig {
  /** The file it came from. */
  readonly file: string;
  readonly budgets: Budgets;
  /** Absolute paths. */
  readonly baseline?: string;
  readonly tolerance?: number;
  /** As on the command line: "2" or "25%". */
  readonly warmup?: string;
  readonly marks?: string;
  readonly by?: SiteGrouping;
  readonly at?: string;
  /** Pass (with a warning) a trace whose growth gives no leak verdict, instead of failing it. */
  readonly allowNoVerdict?: boolean;
  readonly allowIncomplete?: boolean;
  readonly allowInexact?: boolean;
  readonly suppressions: readonly string[];
  /** `check --per-test`: limits for every test without a marker of its own. */
  readonly perTest?: PerTestDefaults;
}

/** The nearest memreplay.config.json in `dir` or a parent, or undefined. */
export function findConfig(dir: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    const candidate = join(d, CONFIG_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(d) === d) return undefined;
  }
}

export function loadConfig(file: string): CheckConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new MemreplayError(`${file}: cannot read the config file`);
  }
  if (text.length > MAX_CONFIG_BYTES) throw new MemreplayError(`${file}: too large for a config file`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new MemreplayError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  return parseConfig(doc, file);
}

export function parseConfig(doc: unknown, file: string): CheckConfig {
  const bad = (key: string, expected: string, got: unknown): never => {
    throw new MemreplayError(`${file}: ${key}: expected ${expected}, got ${shown(got)}`);
  };
  // An unknown key is named, not its value: it is the key that is wrong (a typo, most often).
  const unknown = (where: string, key: string, known: readonly string[]): never => {
    throw new MemreplayError(`${file}: ${where}: unknown key ${JSON.stringify(key)}; expected one of ${known.join(', ')}`);
  };
  const top = objectAt(doc, 'the top level', file);
  for (const k of Object.keys(top)) if (k !== 'check' && k !== '$schema') unknown('the top level', k, ['check', '$schema']);
  const check = top['check'] === undefined ? {} : objectAt(top['check'], 'check', file);
  const known = ['budgets', 'baseline', 'tolerance', 'warmup', 'marks', 'by', 'at', 'allowNoVerdict', 'allowIncomplete', 'allowInexact', 'suppressions', 'perTest'];
  for (const k of Object.keys(check)) if (!known.includes(k)) unknown('check', k, known);
  const base = dirname(resolve(file));

  const budgets: Budgets = {};
  const b = check['budgets'] === undefined ? {} : objectAt(check['budgets'], 'check.budgets', file);
  for (const [k, v] of Object.entries(b)) {
    const name = BUDGET_NAMES.find((n) => n === k);
    if (name === undefined) unknown('check.budgets', k, BUDGET_NAMES);
    const parsed = parseBudgetValue(name!, v as string | number);
    if (parsed === undefined) bad(`check.budgets.${k}`, budgetExpectation(name!), v);
    budgets[name!] = parsed!;
  }
  const str = (key: string): string | undefined => {
    const v = check[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') bad(`check.${key}`, 'a non-empty string', v);
    return v as string;
  };
  let tolerance: number | undefined;
  if (check['tolerance'] !== undefined) {
    tolerance = parseTolerance(check['tolerance'] as string | number);
    if (tolerance === undefined) bad('check.tolerance', 'a ratio >= 0 (0.05) or a percentage ("5%")', check['tolerance']);
  }
  const warmup = check['warmup'];
  if (warmup !== undefined && !(typeof warmup === 'string' || (typeof warmup === 'number' && Number.isInteger(warmup) && warmup >= 0))) {
    bad('check.warmup', 'a whole number of intervals or a percentage string ("25%")', warmup);
  }
  const by = str('by');
  if (by !== undefined && !(SITE_GROUPINGS as readonly string[]).includes(by)) bad('check.by', SITE_GROUPINGS.join(', '), by);
  const supp = check['suppressions'];
  if (supp !== undefined && !(Array.isArray(supp) && supp.every((s) => typeof s === 'string' && s !== ''))) {
    bad('check.suppressions', 'an array of file names', supp);
  }
  const allowNoVerdict = check['allowNoVerdict'];
  if (allowNoVerdict !== undefined && typeof allowNoVerdict !== 'boolean') bad('check.allowNoVerdict', 'true or false', allowNoVerdict);
  const allowIncomplete = check['allowIncomplete'];
  if (allowIncomplete !== undefined && typeof allowIncomplete !== 'boolean') bad('check.allowIncomplete', 'true or false', allowIncomplete);
  const allowInexact = check['allowInexact'];
  if (allowInexact !== undefined && typeof allowInexact !== 'boolean') bad('check.allowInexact', 'true or false', allowInexact);
  const perTest = perTestOf(check['perTest'], file, bad, unknown);
  const baseline = str('baseline');
  const marks = str('marks');
  const at = str('at');
  return {
    file,
    budgets,
    ...(baseline !== undefined ? { baseline: resolve(base, baseline) } : {}),
    ...(tolerance !== undefined ? { tolerance } : {}),
    ...(warmup !== undefined ? { warmup: String(warmup) } : {}),
    ...(marks !== undefined ? { marks } : {}),
    ...(by !== undefined ? { by: by as SiteGrouping } : {}),
    ...(at !== undefined ? { at } : {}),
    ...(allowNoVerdict !== undefined ? { allowNoVerdict: allowNoVerdict as boolean } : {}),
    ...(allowIncomplete !== undefined ? { allowIncomplete: allowIncomplete as boolean } : {}),
    ...(allowInexact !== undefined ? { allowInexact: allowInexact as boolean } : {}),
    suppressions: ((supp as string[] | undefined) ?? []).map((s) => resolve(base, s)),
    ...(perTest !== undefined ? { perTest } : {}),
  };
}

const PER_TEST_KEYS = ['limitLeaks', 'limitMemory'] as const;

/** check.perTest: { limitLeaks, limitMemory }, sizes as budgets are written. */
function perTestOf(
  v: unknown,
  file: string,
  bad: (key: string, expected: string, got: unknown) => never,
  unknown: (where: string, key: string, known: readonly string[]) => never,
): PerTestDefaults | undefined {
  if (v === undefined) return undefined;
  const o = objectAt(v, 'check.perTest', file);
  const out: { limitLeaks?: number; limitMemory?: number } = {};
  for (const [k, value] of Object.entries(o)) {
    const key = PER_TEST_KEYS.find((n) => n === k);
    if (key === undefined) return unknown('check.perTest', k, PER_TEST_KEYS);
    const bytes = typeof value === 'string' || typeof value === 'number' ? parseByteSize(value) : undefined;
    if (bytes === undefined) bad(`check.perTest.${k}`, 'a size in bytes ("4 KiB", "24 MB", 4096)', value);
    out[key] = bytes!;
  }
  return out;
}

/** A budget value from a flag or the config file, or undefined when it is not one. */
export function parseBudgetValue(name: (typeof BUDGET_NAMES)[number], v: string | number): number | undefined {
  switch (BUDGET_UNITS[name]) {
    case 'bytes':
      return parseByteSize(v);
    case 'count': {
      const n = typeof v === 'number' ? v : /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
      return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
    }
    case 'ratio':
      return parseShare(v);
  }
}

export function budgetExpectation(name: (typeof BUDGET_NAMES)[number]): string {
  switch (BUDGET_UNITS[name]) {
    case 'bytes':
      return 'a whole number of bytes (1048576, "64 MiB", "1.5 GB")';
    case 'count':
      return 'a whole number >= 0';
    case 'ratio':
      return 'a share from 0 to 1 (0.4) or a percentage up to 100% ("40%")';
  }
}

/**
 * A share of a whole (fragmentation): 0.4 or "40%" -> 0.4. Nothing can be
 * more than all of it, so a value above 1 is refused unless written with %
 * — and then above 100% too: "40" is a slip for "40%" (or 0.4), never 4000%.
 */
export function parseShare(v: string | number): number | undefined {
  const share = parseTolerance(v);
  return share !== undefined && share <= 1 ? share : undefined;
}

/** 0.05 or "5%" -> 0.05 (an increase may be any size: 2 or "200%" allows three times the baseline). */
export function parseTolerance(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(v);
  if (m === null) return undefined;
  return m[2] === '%' ? Number(m[1]) / 100 : Number(m[1]);
}

function objectAt(v: unknown, where: string, file: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new MemreplayError(`${file}: ${where}: expected an object, got ${shown(v)}`);
  }
  return v as Record<string, unknown>;
}

function shown(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 60 ? text.slice(0, 59) + '…' : text;
}
