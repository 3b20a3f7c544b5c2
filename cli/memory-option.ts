// --max-memory, which every command takes: the budget past which memreplay
// stops with "out of memory" (exit 2) instead of growing until the machine
// or V8 stops it (src/memory-guard.ts). It applies to the whole process,
// batch worker threads included: they inherit it through the environment.

import type { Argv } from 'yargs';
import { parseByteSize } from '../src/check/byte-size.js';
import { MAX_MEMORY_ENV, setMemoryBudget } from '../src/memory-guard.js';
import { fail } from './run-command.js';

export function withMaxMemoryOption<T>(y: Argv<T>): Argv<T> {
  return y
    .option('max-memory', {
      type: 'string',
      global: true,
      describe: 'stop with "out of memory" (exit 2) once memreplay\'s resident memory passes this: 1048576, 512MiB, 2GB',
    })
    .middleware((argv) => {
      const given = argv['max-memory'];
      if (given === undefined) return;
      const limit = typeof given === 'string' ? parseByteSize(given) : undefined;
      if (limit === undefined || limit === 0) {
        fail(`--max-memory must be a byte count above 0 (1048576, 512MiB, 2GB), got ${JSON.stringify(given)}`);
      }
      setMemoryBudget(limit);
      process.env[MAX_MEMORY_ENV] = String(limit);
    }) as Argv<T>;
}
