// Runs the golden runs (runs.mjs) through the built CLI and turns what each
// printed and wrote into the text of its golden files. Shared by
// outputs.test.ts (compare) and scripts/golden-update.mjs (write), so the two
// can never disagree about what a run's output is.
//
// Each run gets a sandbox: a fresh temporary working directory in which
// `traces` and `test/fixtures` are links to the repository's, so that inputs
// are named as a user in the repository would name them and outputs are
// written beside them under relative names. Every regular file in the sandbox
// after the run (its own inputs from `write` excepted) is one of its outputs.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = join(ROOT, 'dist', 'cli', 'memreplay.js');
export const OUTPUTS = join(ROOT, 'test', 'golden', 'outputs');

const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

/**
 * The one place where what varies between machines and runs becomes a fixed
 * placeholder. Anything added here hides a difference from the golden files:
 * add only what cannot be pinned (README.md, "What is normalized").
 * - the sandbox directory (as given and with links resolved) → <CWD>
 * - the repository root (as given and with links resolved) → <ROOT>
 * - memreplay's version, where it is printed as memreplay's → <VERSION>
 * No output of memreplay holds a time or duration today (the progress line
 * is drawn on a terminal only); one that does would be normalized here.
 */
export function normalize(text, { cwd }) {
  let out = text;
  for (const [dir, placeholder] of [
    [cwd, '<CWD>'],
    [ROOT, '<ROOT>'],
  ]) {
    for (const form of new Set([realpathSync(dir), dir])) out = out.split(form).join(placeholder);
  }
  out = out
    .replace(new RegExp(`(memreplay[ /@v]*)${escape(VERSION)}\\b`, 'g'), '$1<VERSION>')
    .replace(new RegExp(`("(?:tool|memreplay)?[vV]ersion": ")${escape(VERSION)}"`, 'g'), '$1<VERSION>"');
  return out;
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The environment of every run: nothing from the shell that changes output, then the run's own. */
function environmentOf(run) {
  const env = { ...process.env, TZ: 'UTC', LC_ALL: 'C' };
  for (const name of ['MEMREPLAY_DEBUG', 'GITHUB_ACTIONS', 'GITHUB_STEP_SUMMARY', 'GITHUB_WORKSPACE', 'COLUMNS', 'NO_COLOR', 'FORCE_COLOR']) delete env[name];
  return { ...env, ...(run.env ?? {}) };
}

/**
 * `check` reads memreplay.config.json from its working directory or any
 * parent: one above the sandboxes would change every check run's output.
 */
function refuseConfigAbove(dir) {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'memreplay.config.json'))) {
      throw new Error(`${join(d, 'memreplay.config.json')} would apply to every golden run of check: remove it or set TMPDIR elsewhere`);
    }
    if (dirname(d) === d) return;
  }
}

function sandbox() {
  refuseConfigAbove(realpathSync(tmpdir()));
  const cwd = mkdtempSync(join(tmpdir(), 'memreplay-golden-'));
  symlinkSync(join(ROOT, 'traces'), join(cwd, 'traces'), 'dir');
  mkdirSync(join(cwd, 'test'));
  symlinkSync(join(ROOT, 'test', 'fixtures'), join(cwd, 'test', 'fixtures'), 'dir');
  return cwd;
}

function execute(args, cwd, env, stdinFile) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (b) => stdout.push(b));
    child.stderr.on('data', (b) => stderr.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code: code ?? `signal ${signal}`, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }),
    );
    if (stdinFile !== undefined) child.stdin.end(readFileSync(join(cwd, stdinFile)));
    else child.stdin.end();
  });
}

/** Regular files under dir, relative to it, sorted; links (the sandbox's inputs) are not followed. */
function filesUnder(dir, base = dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path, base));
    else if (entry.isFile()) found.push(relative(base, path).split(sep).join('/'));
  }
  return found.sort();
}

/** The command line a run shows in its golden file: as typed in the repository. */
export function commandLine(run) {
  const quoted = run.args.map((a) => (/^[\w./=:%,-]+$/.test(a) ? a : `'${a}'`));
  const env = Object.entries(run.env ?? {}).map(([k, v]) => `${k}=${v} `);
  return `${env.join('')}memreplay ${quoted.join(' ')}${run.stdin ? ` < ${run.stdin}` : ''}`;
}

/**
 * Run one golden run; resolve to its golden files: a Map from the path under
 * outputs/ to the normalized text. `NAME.txt` holds the command, its setup,
 * exit code, stdout and stderr; `NAME/FILE` each file it wrote.
 */
export async function goldenFilesOf(run) {
  const cwd = sandbox();
  try {
    for (const [file, text] of Object.entries(run.write ?? {})) {
      mkdirSync(dirname(join(cwd, file)), { recursive: true });
      writeFileSync(join(cwd, file), text);
    }
    const env = environmentOf(run);
    const lines = [];
    for (const step of run.setup ?? []) {
      const r = await execute(step, cwd, env);
      if (r.code !== 0) throw new Error(`${run.name}: setup step memreplay ${step.join(' ')} exited ${r.code}: ${r.stderr}`);
      lines.push(`setup: ${commandLine({ args: step })}`);
    }
    const r = await execute(run.args, cwd, env, run.stdin);
    const files = new Map();
    const main = [...lines, `$ ${commandLine(run)}`, `exit ${r.code}`, '--- stdout', r.stdout, '--- stderr', r.stderr].join('\n');
    files.set(`${run.name}.txt`, normalize(main, { cwd }));
    const inputs = new Set(Object.keys(run.write ?? {}));
    for (const file of filesUnder(cwd)) {
      if (inputs.has(file)) continue;
      files.set(`${run.name}/${file}`, normalize(readFileSync(join(cwd, file), 'utf8'), { cwd }));
    }
    return files;
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/**
 * A queue that runs at most `concurrency` golden runs at once (child
 * processes: one per core, at most 4); calling it with a run resolves to the
 * run's golden files. Runs start only when asked for, so a test filtered out
 * costs nothing.
 */
export function runQueue(concurrency = Math.max(1, Math.min(4, availableParallelism()))) {
  let running = 0;
  const waiting = [];
  const startNext = () => {
    while (running < concurrency && waiting.length > 0) {
      const { run, resolve, reject } = waiting.shift();
      running++;
      goldenFilesOf(run)
        .then(resolve, reject)
        .finally(() => {
          running--;
          startNext();
        });
    }
  };
  return (run) =>
    new Promise((resolve, reject) => {
      waiting.push({ run, resolve, reject });
      startNext();
    });
}

/** The golden files now in outputs/, relative to it. */
export function goldenFilesOnDisk() {
  try {
    return filesUnder(OUTPUTS);
  } catch {
    return [];
  }
}
