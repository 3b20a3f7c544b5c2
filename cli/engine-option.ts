// --engine, which every `fleet` command takes: the Redis URL of the fleet's
// queue, or $MEMREPLAY_ENGINE (a Kubernetes secret lands there without the
// password showing in a process list).

import type { Argv } from 'yargs';
import { UsageError } from '../src/errors.js';
import { parseEngineUrl, type EngineAddress } from '../src/fleet/engine-url.js';

export interface EngineArgs {
  engine?: string;
}

export function withEngineOption<T>(y: Argv<T>): Argv<T & EngineArgs> {
  return y.option('engine', {
    type: 'string',
    describe: 'the Redis the fleet runs on: redis://[user:password@]host[:port][/db], rediss:// for TLS (default: $MEMREPLAY_ENGINE)',
  }) as Argv<T & EngineArgs>;
}

export function engineOf(args: EngineArgs): EngineAddress {
  const url = args.engine ?? process.env['MEMREPLAY_ENGINE'];
  if (url === undefined || url === '') throw new UsageError('give the engine: --engine redis://host:6379 (or set MEMREPLAY_ENGINE)');
  return parseEngineUrl(url);
}
