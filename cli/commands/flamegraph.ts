// `memreplay flamegraph TRACE -o FILE.svg`: the live blocks by full stack at
// one instant (default: the footprint high-water mark) as a static SVG
// icicle, and/or the same stacks as folded text (flamegraph.pl, inferno) or
// a speedscope file.

import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { callTreeOf, DEFAULT_CALL_TREE_LIMITS } from '../../src/analyzers/call-tree.js';
import { UsageError } from '../../src/errors.js';
import { refuseInputsAsOutputs, refuseOutputTwice } from '../../src/io/same-file.js';
import { writeReportFile } from '../../src/io/write-report.js';
import { COLOUR_BY, type ColourBy } from '../../src/reports/flame/frame-colour.js';
import { flameGraphSvg, flameSubtitle } from '../../src/reports/flame/flame-svg.js';
import { foldedStacks } from '../../src/reports/flame/folded.js';
import { speedscopeFile } from '../../src/reports/flame/speedscope.js';
import { stacksHeading, stacksWarnings } from '../../src/reports/flame/stacks-heading.js';
import { terminalSafe } from '../../src/text/units.js';
import { stacksAt } from '../../src/run/stacks.js';
import { MEMREPLAY_VERSION } from '../../src/version.js';
import { stacksOptionsOf, weightOption, withLiveStacksOptions, type LiveStacksArgs } from '../live-stacks-options.js';
import { wholeNumberOption } from '../number-options.js';
import { reportWrote, withQuietOption, type QuietArgs } from '../quiet-option.js';
import { runCommand } from '../run-command.js';
import { traceArgument } from '../stdin-argument.js';
import { withTraceOptions } from '../trace-options.js';

interface FlamegraphArgs extends LiveStacksArgs, QuietArgs {
  trace: string;
  output?: string;
  folded?: string;
  speedscope?: string;
  colourBy: string;
  maxFrames?: string;
  force: boolean;
}

export const flamegraphCommand: CommandModule<object, FlamegraphArgs> = {
  command: 'flamegraph <trace>',
  describe: 'the live blocks by call stack at one instant (default: the footprint high-water mark) as a flame graph (SVG icicle), folded stacks or a speedscope file',
  builder: (y: Argv) =>
    withQuietOption(withLiveStacksOptions(withTraceOptions(y)))
      .positional('trace', { type: 'string', demandOption: true, describe: 'trace file (CSV or JSONL, optionally gzip), or - for stdin (with --at, --at-event or --at-end)' })
      .option('output', { alias: 'o', type: 'string', describe: 'write the flame graph (SVG) to this file (- for stdout)' })
      .option('folded', { type: 'string', describe: "write every live stack as folded text (flamegraph.pl's and inferno's input) to this file (- for stdout)" })
      .option('speedscope', { type: 'string', describe: "write the live stacks as a speedscope file (its JSON file format) to this file (- for stdout)" })
      .option('colour-by', { type: 'string', choices: [...COLOUR_BY], default: 'file', describe: "colour frames by file, or by package (site-packages' top folder, stdlib, or the file's folder)" })
      .option('max-frames', {
        type: 'string',
        defaultDescription: String(DEFAULT_CALL_TREE_LIMITS.maxFrames),
        describe: 'draw at most this many frames; the others, and frames under 0.1% of the whole, are merged into "other"',
      })
      .option('force', { type: 'boolean', default: false, describe: 'overwrite the output files if they exist' }) as unknown as Argv<FlamegraphArgs>,
  handler: (args: ArgumentsCamelCase<FlamegraphArgs>) =>
    runCommand(async () => {
      const outputs: [string, string | undefined][] = [['-o', args.output], ['--folded', args.folded], ['--speedscope', args.speedscope]];
      if (outputs.every(([, path]) => path === undefined)) throw new UsageError('name an output: -o FILE.svg, --folded FILE or --speedscope FILE');
      for (const [flag, path] of outputs) if (path === '') throw new UsageError(`${flag} needs a file name`);
      const maxFrames = wholeNumberOption('max-frames', args.maxFrames, 1) ?? DEFAULT_CALL_TREE_LIMITS.maxFrames;
      const trace = traceArgument(args.trace);
      const inputs = [trace];
      refuseInputsAsOutputs([args.output, args.folded, args.speedscope], inputs);
      refuseOutputTwice(outputs);
      const toStdout = outputs.filter(([, path]) => path === '-').map(([flag]) => flag);
      if (toStdout.length > 1) throw new UsageError(`${toStdout.join(' - and ')} - would all write to standard output: give all but one a file name`);
      const weight = weightOption(args);
      const result = await stacksAt(trace, stacksOptionsOf(args));
      const heading = stacksHeading(result);
      const warnings = stacksWarnings(result);
      const written: string[] = [];
      if (args.output !== undefined) {
        const colourBy = args.colourBy as ColourBy;
        const tree = callTreeOf(result.live, weight, { ...DEFAULT_CALL_TREE_LIMITS, maxFrames });
        writeReportFile(args.output, flameGraphSvg(tree, {
            title: heading,
            subtitle: flameSubtitle(tree, colourBy),
            colourBy,
            warnings,
            ...(result.measure === 'allocated' ? { rootName: 'every block allocated, freed or not' } : {}),
          }), { force: args.force, inputs, stdout: { free: true, option: '-o' } });
        written.push(args.output);
      }
      if (args.folded !== undefined) {
        writeReportFile(args.folded, foldedStacks(result.live, weight), { force: args.force, inputs, stdout: { free: true, option: '--folded' } });
        written.push(args.folded);
        // Folded text has no place for a note (every line is a stack): the warning goes to stderr.
        for (const w of warnings) process.stderr.write(`memreplay: ${terminalSafe(args.folded, 80)}: ${terminalSafe(w, 400)}\n`);
      }
      if (args.speedscope !== undefined) {
        const file = speedscopeFile(result.live, { name: heading, exporter: `memreplay ${MEMREPLAY_VERSION}`, weight, warnings });
        writeReportFile(args.speedscope, file, { force: args.force, inputs, stdout: { free: true, option: '--speedscope' } });
        written.push(args.speedscope);
      }
      // `-` is standard output (one output at most: refuseOutputTwice): nothing to tell.
      for (const path of written) if (path !== '-') reportWrote(args, path);
    }),
};
