// The golden runs: every command and output form of memreplay over the
// sample traces (traces/) and small fixtures (test/fixtures/), each pinned as
// golden files under outputs/ (README.md here). One entry per run:
//   name   where its golden files go: outputs/NAME.txt and outputs/NAME/FILE
//   args   the command line after `memreplay`, run in a sandbox whose
//          `traces` and `test/fixtures` are the repository's: paths are
//          written as in the repository, outputs under relative names
//   env    environment variables of the run (all others that change output
//          are unset: golden-runner.mjs)
//   write  input files the run needs, written first (not golden files)
//   setup  earlier command lines in the same sandbox (e.g. a baseline)
//   stdin  a file given on standard input
// Batch commands run with --jobs 1 (no workers) unless a run is about the
// workers; the output of a batch does not depend on them.

const SAMPLES = ['startup-3.8', 'startup-3.11', 'startup-3.13', 'churn-3.11', 'leak-3.11', 'reclaim-3.11'];
const trace = (name) => `traces/${name}.csv.gz`;
const LEAK = trace('leak-3.11');
const CHURN = trace('churn-3.11');
const RECLAIM = trace('reclaim-3.11');
const INEXACT = 'test/fixtures/hand-made/inexact-addresses.csv';
const SNAPSHOTS = 'test/fixtures/tracemalloc';

/** The same forms for every sample trace. */
const perSample = SAMPLES.flatMap((name) => [
  { name: `analyze/${name}`, args: ['analyze', trace(name)] },
  { name: `analyze/${name}.json`, args: ['analyze', trace(name), '--json'] },
  { name: `leaks/${name}`, args: ['leaks', trace(name)] },
  { name: `leaks/${name}.json`, args: ['leaks', trace(name), '--json'] },
  { name: `stats/${name}`, args: ['stats', trace(name)] },
  { name: `stats/${name}.json`, args: ['stats', trace(name), '--json'] },
  { name: `check/${name}`, args: ['check', trace(name), '--jobs', '1'] },
  { name: `check/${name}.json`, args: ['check', trace(name), '--jobs', '1', '--json'] },
]);

const analyze = [
  { name: 'analyze/output-file', args: ['analyze', LEAK, '-o', 'analyze.txt'] },
  { name: 'analyze/by-traceback-depth-3', args: ['analyze', LEAK, '--by', 'traceback', '--depth', '3', '--top', '5'] },
  { name: 'analyze/batch-samples', args: ['analyze', 'traces', '--jobs', '1'] },
  { name: 'analyze/batch-samples.json', args: ['analyze', 'traces/*.csv.gz', '--jobs', '1', '--json'] },
  { name: 'analyze/batch-two-workers', args: ['analyze', LEAK, CHURN, RECLAIM, '--jobs', '2'] },
  { name: 'analyze/churn-counted', args: ['analyze', CHURN, '--churn', '--top', '5'] },
  { name: 'analyze/stdin', args: ['analyze', '-'], stdin: INEXACT },
  { name: 'analyze/inexact', args: ['analyze', INEXACT] },
];

const leaks = [
  { name: 'leaks/by-traceback', args: ['leaks', LEAK, '--by', 'traceback'] },
  { name: 'leaks/by-function', args: ['leaks', LEAK, '--by', 'function'] },
  { name: 'leaks/by-filename.json', args: ['leaks', LEAK, '--by', 'filename', '--json'] },
  { name: 'leaks/at-end', args: ['leaks', LEAK, '--at-end'] },
  { name: 'leaks/at-mark', args: ['leaks', CHURN, '--at', 'iteration 5', '--top', '5'] },
  { name: 'leaks/gen-suppressions-stdout', args: ['leaks', LEAK, '--gen-suppressions', '-'] },
  { name: 'leaks/gen-suppressions-file', args: ['leaks', LEAK, '--gen-suppressions', 'leak.supp'] },
  {
    name: 'leaks/suppressed',
    setup: [['leaks', LEAK, '--gen-suppressions', 'leak.supp']],
    args: ['leaks', LEAK, '--suppressions', 'leak.supp'],
  },
  { name: 'leaks/output-file.json', args: ['leaks', LEAK, '--json', '-o', 'leaks.json'] },
  { name: 'leaks/inexact', args: ['leaks', INEXACT] },
];

const stats = [
  { name: 'stats/verify', args: ['stats', LEAK, '--verify'] },
  { name: 'stats/verify-inexact', args: ['stats', INEXACT, '--verify'] },
  { name: 'stats/at-stats-mark', args: ['stats', RECLAIM, '--at', 'stats'] },
  { name: 'stats/at-event', args: ['stats', RECLAIM, '--at-event', '30000'] },
];

const check = [
  { name: 'check/samples', args: ['check', 'traces/*.csv.gz', '--jobs', '1'] },
  {
    name: 'check/samples-junit-sarif',
    args: ['check', 'traces/*.csv.gz', '--jobs', '1', '--junit', 'junit.xml', '--sarif', 'results.sarif'],
  },
  {
    name: 'check/github-annotations',
    env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: 'summary.md' },
    args: ['check', LEAK, CHURN, '--jobs', '1'],
  },
  {
    name: 'check/github-annotations.json',
    env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: 'summary.md' },
    args: ['check', LEAK, '--jobs', '1', '--json', '--source-root', '/srv/app'],
  },
  { name: 'check/sarif-source-root', args: ['check', LEAK, '--jobs', '1', '--sarif', 'results.sarif', '--source-root', '/srv/app'] },
  {
    name: 'check/budgets',
    args: ['check', CHURN, RECLAIM, '--jobs', '1', '--max-leaked-bytes', '64KiB', '--max-site-leaked-bytes', '4KiB',
      '--max-peak-footprint', '2MiB', '--max-arenas', '4', '--max-fragmentation', '40%', '--max-leak-sites', '1'],
  },
  {
    name: 'check/budgets-gen-suppressions',
    args: ['check', CHURN, '--jobs', '1', '--max-site-leaked-bytes', '1KiB', '--gen-suppressions', 'failing.supp'],
  },
  {
    name: 'check/config',
    write: {
      'memreplay.config.json': JSON.stringify({ check: { budgets: { steadyLeakSites: 1, peakFootprintBytes: '1 MiB' }, tolerance: '10%' } }, null, 2) + '\n',
    },
    args: ['check', LEAK, '--jobs', '1', '--json'],
  },
  {
    name: 'check/baseline-update',
    args: ['check', CHURN, '--jobs', '1', '--max-leak-sites', '5', '--update-baseline', 'baseline.json'],
  },
  {
    name: 'check/baseline-same',
    setup: [['check', CHURN, '--jobs', '1', '--update-baseline', 'baseline.json']],
    args: ['check', CHURN, '--jobs', '1', '--baseline', 'baseline.json', '--tolerance', '0'],
  },
  {
    // The baseline was taken with importlib's blocks suppressed: without, live bytes rose past it.
    name: 'check/baseline-rose',
    write: { 'importlib.supp': 'leak:<frozen importlib._bootstrap>:241\n' },
    setup: [['check', CHURN, '--jobs', '1', '--suppressions', 'importlib.supp', '--update-baseline', 'baseline.json']],
    args: ['check', CHURN, '--jobs', '1', '--baseline', 'baseline.json'],
  },
  {
    name: 'check/suppressions.json',
    write: { 'importlib.supp': 'leak:<frozen importlib._bootstrap>:241\n' },
    args: ['check', CHURN, '--jobs', '1', '--suppressions', 'importlib.supp', '--json', '--top', '3'],
  },
  { name: 'check/inexact', args: ['check', INEXACT, '--jobs', '1'] },
  { name: 'check/inexact-allowed.json', args: ['check', INEXACT, '--jobs', '1', '--allow-inexact', '--json'] },
];

const diff = [
  { name: 'diff/traces', args: ['diff', trace('startup-3.11'), LEAK] },
  { name: 'diff/traces.json', args: ['diff', trace('startup-3.11'), LEAK, '--json', '--top', '10'] },
  { name: 'diff/traces-tracemalloc', args: ['diff', trace('startup-3.11'), CHURN, '--style', 'tracemalloc', '--top', '10'] },
  { name: 'diff/traces-by-traceback-depth-2', args: ['diff', CHURN, LEAK, '--by', 'traceback', '--depth', '2', '--top', '5'] },
  { name: 'diff/traces-output-file', args: ['diff', CHURN, LEAK, '--at-end', '-o', 'diff.txt'] },
  ...['3.8', '3.13'].flatMap((v) => [
    { name: `diff/snapshots-${v}`, args: ['diff', `${SNAPSHOTS}/${v}/old.pickle`, `${SNAPSHOTS}/${v}/new.pickle`] },
    { name: `diff/snapshots-${v}.json`, args: ['diff', `${SNAPSHOTS}/${v}/old.pickle`, `${SNAPSHOTS}/${v}/new.pickle`, '--json'] },
    {
      name: `diff/snapshots-${v}-tracemalloc-traceback`,
      args: ['diff', `${SNAPSHOTS}/${v}/old.pickle`, `${SNAPSHOTS}/${v}/new.pickle`, '--style', 'tracemalloc', '--by', 'traceback'],
    },
  ]),
  {
    name: 'diff/snapshots-jsonl-cumulative',
    args: ['diff', `${SNAPSHOTS}/3.13/snapshots.jsonl.gz`, `${SNAPSHOTS}/3.13/snapshots.jsonl.gz`,
      '--old-label', 'old', '--new-label', 'new', '--by', 'filename', '--cumulative'],
  },
];

const report = [
  { name: 'report/samples-md', args: ['report', 'traces/*.csv.gz', '--jobs', '1', '--format', 'md', '-o', 'reports'] },
  // JSON reports are large (about 1 MB a trace): two traces give the documents and their index.
  { name: 'report/two-json', args: ['report', trace('startup-3.11'), RECLAIM, '--jobs', '1', '--format', 'json', '-o', 'reports'] },
  { name: 'report/leak-html', args: ['report', LEAK, '--jobs', '1', '-o', 'reports'] },
  { name: 'report/versions-md', args: ['report', CHURN, '--jobs', '1', '--format', 'md', '--python', '3.8,3.11,3.13', '-o', 'reports'] },
  { name: 'report/by-traceback-md', args: ['report', LEAK, '--jobs', '1', '--format', 'md', '--by', 'traceback', '--depth', '4', '-o', 'reports'] },
  { name: 'report/inexact-md', args: ['report', INEXACT, '--jobs', '1', '--format', 'md', '-o', 'reports'] },
];

// Live blocks by full stack: the tree in the terminal, the flame graph and the files for other tools.
const flame = [
  { name: 'tree/leak', args: ['tree', LEAK] },
  { name: 'tree/churn-at-mark-blocks', args: ['tree', CHURN, '--at', 'iteration 5', '--weight', 'blocks', '--threshold', '2%'] },
  { name: 'tree/leak-leaks', args: ['tree', LEAK, '--leaks', '--threshold', '0'] },
  { name: 'flamegraph/leak', args: ['flamegraph', LEAK, '-o', 'leak.svg'] },
  {
    name: 'flamegraph/startup-at-event-files',
    args: ['flamegraph', trace('startup-3.13'), '--at-event', '3000', '--weight', 'block-bytes', '--colour-by', 'package', '-o', 'startup.svg', '--folded', 'startup.folded', '--speedscope', 'startup.speedscope.json'],
  },
];

export const RUNS = [...perSample, ...analyze, ...leaks, ...stats, ...check, ...diff, ...report, ...flame];
