// `memreplay record -o OUT.mrt|OUT.csv[.gz] -- script.py args`: run a Python program
// under the recorder and write its allocation trace and CPython's statistics.
// The exit status is the program's (128 + N when signal N ended it).

import { constants } from 'node:os';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { UsageError } from '../../src/errors.js';
import { MAX_REPEAT_TESTS } from '../../src/record/test-plugin.js';
import {
  DEFAULT_FRAMES,
  DEFAULT_NATIVE_FRAMES,
  framesMessage,
  MAX_FRAMES,
  MAX_NATIVE_FRAMES,
  nativeFramesMessage,
  recordProgram,
} from '../../src/record/record-program.js';
import { bytes, count } from '../../src/text/units.js';
import { withQuietOption, type QuietArgs } from '../quiet-option.js';
import { EXIT_USAGE, runCommand } from '../run-command.js';

interface RecordArgs extends QuietArgs {
  program?: (string | number)[];
  '--'?: (string | number)[];
  python?: string;
  frames?: string;
  stacks: boolean;
  raw: boolean;
  native: boolean;
  nativeFrames?: string;
  output: string;
  statsOut?: string;
  force: boolean;
  repeatTests?: string;
}

function say(text: string): void {
  process.stderr.write(`memreplay: ${text}\n`);
}

const RECORD_DESCRIPTION = "run a Python program and record every allocation, with call stacks and CPython's own statistics at exit";

// The examples are longer than yargs' example column (half the width), which
// would wrap them; as an epilogue each command has a line of its own.
const RECORD_EXAMPLES = [
  'Examples:',
  '  $0 record -o app.mrt -- app.py --port 8080',
  '      record a script (binary trace: the smallest and fastest to write and read)',
  '  $0 record -o t.csv --python python3.12 -- -m mypackage.cli',
  '      record a module with another interpreter, as CSV text',
  '  $0 record -o tests.mrt --repeat-tests 3 -- -m pytest -q tests/',
  '      record a test suite, each test marked (memreplay check --per-test)',
].join('\n');

export const recordCommand: CommandModule<object, RecordArgs> = {
  command: 'record [program..]',
  describe: RECORD_DESCRIPTION,
  builder: (y: Argv) =>
    withQuietOption(y, 'only warnings and errors on stderr: nothing about the recorder built or the files written')
      .parserConfiguration({ 'populate--': true })
      .usage(`$0 record -o OUT.mrt|OUT.csv[.gz] [options] -- script.py [args]\n$0 record -o OUT.mrt|OUT.csv[.gz] [options] -- -m module [args]\n\n${RECORD_DESCRIPTION}`)
      .positional('program', { type: 'string', array: true, describe: 'the interpreter\'s command line (after --): script.py args, -m module args, -c code' })
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'the trace to write: binary when the name ends in .mrt (docs/trace-format-binary.md), else CSV (gzip when it ends in .gz)' })
      .option('python', { type: 'string', describe: 'the interpreter to run: a command on PATH or a path (default python3); CPython 3.8-3.13' })
      .option('frames', { type: 'string', defaultDescription: String(DEFAULT_FRAMES), describe: `Python frames kept per call stack, innermost first (1-${MAX_FRAMES})` })
      .option('stacks', { type: 'boolean', default: true, describe: 'record call stacks (--no-stacks: addresses and sizes only)' })
      .option('raw', { type: 'boolean', default: false, describe: 'also record the RAW domain (PyMem_RawMalloc: the C library\'s malloc)' })
      .option('native', {
        type: 'boolean',
        default: false,
        describe: 'also record every C library heap call (malloc & co) and anonymous mapping, from any code, with its C frames and the Python line that led there',
      })
      .option('native-frames', {
        type: 'string',
        defaultDescription: String(DEFAULT_NATIVE_FRAMES),
        describe: `with --native: C frames kept per call stack, innermost first (1-${MAX_NATIVE_FRAMES})`,
      })
      .option('stats-out', { type: 'string', describe: 'where sys._debugmallocstats() at exit goes (default: NAME.stats.txt for NAME.csv.gz, OUT.stats.txt for any other OUT)' })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite the trace and statistics files if they exist' })
      .option('repeat-tests', {
        type: 'string',
        defaultDescription: '1',
        describe: "with pytest: run each test's call phase N times, so that check --per-test tells a leak from a cache (@pytest.mark.memreplay_no_repeat: once)",
      })
      .epilogue(RECORD_EXAMPLES) as unknown as Argv<RecordArgs>,
  handler: (args: ArgumentsCamelCase<RecordArgs>) =>
    runCommand(async () => {
      const news = (text: string): void => {
        if (!args.quiet) say(text);
      };
      const program = [...(args.program ?? []), ...(args['--'] ?? [])].map(String);
      // --frames is a string option so that the message shows what was typed (see number-options.ts).
      const frames = args.frames === undefined ? DEFAULT_FRAMES : /^[0-9]+$/.test(args.frames) ? Number(args.frames) : NaN;
      if (args.stacks && !(Number.isInteger(frames) && frames >= 1 && frames <= MAX_FRAMES)) {
        throw new UsageError(framesMessage(JSON.stringify(args.frames)));
      }
      const nativeFrames = args.nativeFrames === undefined ? undefined : /^[0-9]+$/.test(args.nativeFrames) ? Number(args.nativeFrames) : NaN;
      if (nativeFrames !== undefined && !(nativeFrames >= 1 && nativeFrames <= MAX_NATIVE_FRAMES)) {
        throw new UsageError(nativeFramesMessage(JSON.stringify(args.nativeFrames)));
      }
      const result = await recordProgram({
        python: args.python,
        frames: args.stacks ? frames : 0,
        raw: args.raw,
        native: args.native,
        ...(nativeFrames !== undefined ? { nativeFrames } : {}),
        output: args.output,
        statsOut: args.statsOut,
        force: args.force,
        program,
        repeatTests: repeatTestsOf(args.repeatTests),
        onLauncher: (info, launcher) => {
          if (launcher.built) news(`built the recorder for ${info.executable} (CPython ${info.version}): ${launcher.path}`);
        },
      });
      const { status, files } = result;
      if (!result.wroteTrace) {
        const how = result.signal ? `was killed by ${result.signal}` : `ended (exit ${result.exitCode})`;
        say(`the interpreter ${how} before its first allocation; nothing was recorded`);
      } else if (status === null) {
        const how = result.signal ? `was killed by ${result.signal}` : `ended (exit ${result.exitCode}) before the recorder could finish`;
        say(`the program ${how}; ${files.trace} holds the trace up to its last complete write, without the stats, final and end marks: an incomplete trace`);
      } else {
        const stacks = status.stacks > 0 ? ` and ${count(status.stacks, 'call stack')}` : '';
        const perEvent = files.mrt
          ? `${(result.traceBytes / Math.max(1, status.events)).toFixed(1)} bytes/event`
          : `${(status.bytes / Math.max(1, status.events)).toFixed(1)} bytes/event before compression`;
        news(`recorded ${count(status.events, 'event')}${stacks} of CPython ${status.python} in ${files.trace} (${bytes(result.traceBytes)}, ${perEvent})`);
        if (result.native && result.native.addresses > 0) {
          const n = result.native;
          news(`native frames: ${n.named.toLocaleString('en-US')} of ${count(n.addresses, 'return address')} named, in ${count(n.modules, 'loaded object')}`);
        }
        if (status.preStartFrees) {
          // Not anomalies: the blocks were never in the trace (the dynamic loader's, the interpreter's start-up).
          news(`native: ${count(status.preStartFrees, 'free')} of blocks allocated before the recording began left out of the trace`);
        }
        const sidecars = [result.wroteStats ? files.stats : null, result.wroteFinal ? files.final : null].filter(Boolean);
        if (sidecars.length > 0) news(`CPython's own statistics at the stats and final marks: ${sidecars.join(', ')}`);
        if (!status.stats) say('no stats mark: the program ended without running its atexit callbacks (os._exit, a fatal error)');
        if (!status.ended) say('no end mark: the interpreter was not finalized (os._exit(), exit() from C code); the trace is incomplete');
        if (!status.complete) say('the trace is not complete: pymalloc had served blocks before the recorder started (# complete: false)');
        if (status.statsWindowCalls > 0) {
          say(`warning: ${count(status.statsWindowCalls, 'allocator call')} happened between a mark and its statistics; those statistics may not match the trace`);
        }
      }
      if (result.signal) return 128 + (constants.signals[result.signal] ?? 0);
      return result.exitCode ?? EXIT_USAGE;
    }),
};

/** --repeat-tests, a string option so that the message shows what was typed. */
function repeatTestsOf(text: string | undefined): number {
  if (text === undefined) return 1;
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAX_REPEAT_TESTS)) throw new UsageError(`--repeat-tests ${JSON.stringify(text)}: expected a whole number from 1 to ${MAX_REPEAT_TESTS}`);
  return n;
}
