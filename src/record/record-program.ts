// Recording a program: run it under the launcher (built or found in the
// cache) and stream the trace to the output (through gzip, in blocks on
// spare CPUs, when the name ends in .gz; a `.mrt` trace the launcher
// writes itself, compressing on a thread of its own). The program keeps the terminal:
// its stdin, stdout and stderr are ours. The launcher reports on a pipe of
// its own (fd 4) what it wrote.
//
// The trace and its statistics are written under their own names from the
// start, not to hidden files renamed at the end: whatever stops the
// recording (a crash, os._exit(), a kill of this process, SIGKILL included)
// leaves what was recorded where the user asked for it, and nothing else. A
// trace cut short lacks its `end` mark, so a replay names it incomplete
// (src/replay/completeness.ts). The launcher dies with this process
// (--parent-pid: PR_SET_PDEATHSIG), so a killed recording stops writing.

import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Duplex, Readable } from 'node:stream';
import { MemreplayError, UsageError } from '../errors.js';
import { gzipInBlocks } from './block-gzip.js';
import { probeInterpreter, type InterpreterInfo } from './interpreter.js';
import { ensureLauncher, recorderCacheDir, type Launcher } from './launcher-cache.js';
import { ZLIB_MISSING } from './toolchain.js';
import { DEFAULT_SYMBOLIZER, FrameNamer, type NativeNamesSummary } from './native-symbols.js';
import { SymbolCache } from './symbol-cache.js';
import { serveFrameNames } from './frame-name-server.js';
import { checkWritable, recordingFiles, type RecordingFiles } from './output-paths.js';
import { forwardTermination } from './signal-forwarding.js';
import { withTestPlugin } from './test-plugin.js';

export const DEFAULT_FRAMES = 16;
export const MAX_FRAMES = 256;
/** Native frames per stack with --native (docs/recording.md: the C frames
 * from malloc up to the Python line are fewer in the cases measured; the
 * Python frames are kept whatever the cut). */
export const DEFAULT_NATIVE_FRAMES = 16;
export const MAX_NATIVE_FRAMES = 128;
/** Measured in recorder/README.md: the fastest level; the compressor is
 * still slower than the recorder, higher levels only more so. */
export const GZIP_LEVEL = 1;

export interface RecordOptions {
  /** The interpreter: a command on PATH or a path. Default python3. */
  python?: string;
  /** Frames per stack (1-256); 0 records no stacks. */
  frames: number;
  /** Also record the RAW domain. */
  raw: boolean;
  /** Also record the C library's heap and anonymous mappings (domain native). */
  native?: boolean;
  /** Native frames per stack with `native` (default DEFAULT_NATIVE_FRAMES). */
  nativeFrames?: number;
  output: string;
  statsOut?: string;
  force: boolean;
  /** The interpreter's command line after its name: script.py args, -m module args, -c code. */
  program: string[];
  env?: NodeJS.ProcessEnv;
  /** With pytest: run each test's call phase this many times (the plugin's --repeat-tests; default 1). */
  repeatTests?: number;
  /** Told once the interpreter is known and the launcher ready. */
  onLauncher?: (info: InterpreterInfo, launcher: Launcher) => void;
}

/** What the launcher reports when the program has ended (see recorder/src/main.c). */
export interface LauncherStatus {
  python: string;
  complete: boolean;
  /** The interpreter was finalized and the trace got its `end` mark (false: cut short, os._exit). */
  ended: boolean;
  events: number;
  stacks: number;
  frames: number;
  bytes: number;
  stats: boolean;
  final: boolean;
  statsWindowCalls: number;
  /** With --native: frees of blocks the C library handed out before the recording began (not written; absent from older launchers). */
  preStartFrees?: number;
  writeError: string | null;
}

export interface RecordResult {
  interpreter: InterpreterInfo;
  launcher: Launcher;
  files: RecordingFiles;
  /** The program's exit status, or the signal that ended it. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** null when the launcher was killed before it could report. */
  status: LauncherStatus | null;
  /** Bytes of the trace file as written (compressed when gzip). */
  traceBytes: number;
  /** False when the interpreter ended before its first allocation (nothing kept). */
  wroteTrace: boolean;
  /** With --native: what resolving the native frames found. */
  native?: NativeNamesSummary;
  /** Which statistics files were written. */
  wroteStats: boolean;
  wroteFinal: boolean;
}

function parseStatus(text: string): LauncherStatus | { error: string } | null {
  const line = text.trim().split('\n').pop();
  if (!line) return null;
  try {
    return JSON.parse(line) as LauncherStatus | { error: string };
  } catch {
    return null;
  }
}

async function collect(stream: Readable): Promise<string> {
  let text = '';
  stream.setEncoding('utf8');
  for await (const chunk of stream) text += chunk as string;
  return text;
}

export function framesMessage(frames: number | string): string {
  return `--frames ${frames}: expected a whole number from 1 to ${MAX_FRAMES} (or --no-stacks)`;
}

export function nativeFramesMessage(frames: number | string): string {
  return `--native-frames ${frames}: expected a whole number from 1 to ${MAX_NATIVE_FRAMES}`;
}

export function validateRecordOptions(o: RecordOptions): void {
  if (o.program.length === 0) throw new UsageError('record: name the program to run: memreplay record -o OUT.mrt -- script.py [args] (or -- -m module [args])');
  if (!Number.isInteger(o.frames) || o.frames < 0 || o.frames > MAX_FRAMES) {
    throw new UsageError(framesMessage(o.frames));
  }
  const nf = o.nativeFrames ?? DEFAULT_NATIVE_FRAMES;
  if (!Number.isInteger(nf) || nf < 1 || nf > MAX_NATIVE_FRAMES) throw new UsageError(nativeFramesMessage(nf));
  if (o.nativeFrames !== undefined && !o.native) throw new UsageError('--native-frames needs --native');
  if (o.output.endsWith('.mrt.gz')) throw new UsageError(`-o ${o.output}: a .mrt trace is compressed already; name it .mrt`);
}

export async function recordProgram(o: RecordOptions): Promise<RecordResult> {
  validateRecordOptions(o);
  const nf = o.nativeFrames ?? DEFAULT_NATIVE_FRAMES;
  const files = recordingFiles(o.output, o.statsOut);
  checkWritable(files, o.force, o.program);
  // pytest gets the plugin that marks each test's boundaries (test-plugin.ts).
  const run = withTestPlugin(o.program, o.env ?? process.env, o.repeatTests ?? 1);
  const env = run.env;
  const interpreter = probeInterpreter(o.python ?? 'python3');
  const launcher = ensureLauncher(interpreter, env, o.native === true);
  o.onLauncher?.(interpreter, launcher);
  // With --native the binary trace is written here, from the CSV the launcher writes and the frames named.
  const launcherMrt = files.mrt && !o.native;
  if (launcherMrt && !launcher.mrt) throw new MemreplayError(ZLIB_MISSING);

  for (const p of [files.trace, files.stats, files.final]) mkdirSync(dirname(p), { recursive: true });
  // Statistics files left by an earlier recording under these names (--force)
  // would describe another trace; the launcher creates each at its mark.
  for (const p of [files.stats, files.final]) rmSync(p, { force: true });
  // Set once the trace file is ours (created, or replaced with --force):
  // only then may a failure remove it.
  let ours = false;
  // With --native the launcher asks the names of its frames here as it
  // runs, on a socket of their own (frame-name-server.ts).
  const namer = o.native ? new FrameNamer(DEFAULT_SYMBOLIZER, new SymbolCache(join(recorderCacheDir(env), 'symbols'))) : null;
  const removeAll = () => {
    for (const p of [...(ours ? [files.trace] : []), files.stats, files.final]) rmSync(p, { force: true });
  };

  let traceFd: number | null = null;
  try {
    traceFd = openSync(files.trace, o.force ? 'w' : 'wx');
    ours = true;
    if (files.gzip || (files.mrt && o.native)) {
      // The compressor, or the binary writer after the naming, writes it, by name.
      closeSync(traceFd);
      traceFd = null;
    }
    const args = [
      '--trace-fd', '3',
      '--status-fd', '4',
      '--stats', files.stats,
      '--final-stats', files.final,
      '--frames', String(o.frames),
      '--parent-pid', String(process.pid),
      ...(o.raw ? ['--raw'] : []),
      ...(o.native ? ['--native', '--native-frames', String(nf), '--names-fd', '5'] : []),
      ...(launcherMrt ? ['--trace-format', 'mrt'] : []),
      '--',
      interpreter.executable,
      ...run.program,
    ];
    const child = spawn(launcher.path, args, {
      stdio: ['inherit', 'inherit', 'inherit', traceFd ?? 'pipe', 'pipe', ...(namer ? ['pipe' as const] : [])],
      env,
    });
    if (traceFd !== null) {
      closeSync(traceFd);
      traceFd = null;
    }
    const stopForwarding = forwardTermination(child);
    try {
      const naming = namer ? serveFrameNames((child.stdio as unknown as Duplex[])[5]!, namer) : Promise.resolve();
      const compressing = files.gzip
        ? gzipInBlocks(child.stdio[3] as Readable, files.trace, { level: GZIP_LEVEL, flags: 'w' })
        : files.mrt && o.native
          ? nativeMrt(child.stdio[3] as Readable, files.trace)
          : Promise.resolve(0);
      const statusText = collect(child.stdio[4] as Readable);
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, signal) => resolve({ code, signal }));
      });
      // Wait for everything, even when the compressor failed: the program
      // runs on (its trace lost) and is not left behind.
      const [exit, text, compressed] = await Promise.allSettled([exited, statusText, compressing, naming]);
      if (exit.status === 'rejected') throw exit.reason;
      if (compressed.status === 'rejected') {
        throw new MemreplayError(`writing the trace ${files.trace} failed: ${(compressed.reason as Error).message}; nothing was kept`);
      }
      const { code, signal } = exit.value;
      const status = parseStatus(text.status === 'fulfilled' ? text.value : '');
      if (status !== null && 'error' in status) throw new MemreplayError(status.error);
      if (status?.writeError) {
        throw new MemreplayError(`writing the trace ${files.trace} failed: ${status.writeError}; nothing was kept`);
      }
      const native = namer ? await namer.close() : undefined;
      return { ...finish(interpreter, launcher, files, code, signal, status), ...(native ? { native } : {}) };
    } finally {
      stopForwarding();
    }
  } catch (e) {
    if (traceFd !== null) closeSync(traceFd);
    traceFd = null;
    removeAll();
    if (e instanceof MemreplayError) throw e;
    throw new MemreplayError(`recording failed: ${(e as Error).message}`);
  }
}

/** The --native launcher's CSV as `.mrt` (native-trace.ts: the trace reader and writer, loaded only here, are most of record's start-up). */
async function nativeMrt(csv: Readable, path: string): Promise<void> {
  const { writeMrtTrace } = await import('./native-trace.js');
  await writeMrtTrace(csv, path);
}

function finish(
  interpreter: InterpreterInfo,
  launcher: Launcher,
  files: RecordingFiles,
  exitCode: number | null,
  signal: NodeJS.Signals | null,
  status: LauncherStatus | null,
): RecordResult {
  const size = (p: string) => {
    try {
      return statSync(p).size;
    } catch {
      return -1;
    }
  };
  if ((status !== null && status.events === 0) || (status === null && size(files.trace) <= 0)) {
    // The interpreter stopped while reading its command line (-V, --help, a
    // bad option) or before the recording began: there is no trace to keep.
    for (const p of [files.trace, files.stats, files.final]) rmSync(p, { force: true });
    return { interpreter, launcher, files, exitCode, signal, status, traceBytes: 0, wroteTrace: false, wroteStats: false, wroteFinal: false };
  }
  // A statistics file exists only when its mark was reached; an empty one
  // (the program ended before it was printed) is not kept.
  const kept = (p: string) => {
    if (size(p) > 0) return true;
    rmSync(p, { force: true });
    return false;
  };
  const wroteStats = kept(files.stats);
  const wroteFinal = kept(files.final);
  return { interpreter, launcher, files, exitCode, signal, status, traceBytes: size(files.trace), wroteTrace: true, wroteStats, wroteFinal };
}
