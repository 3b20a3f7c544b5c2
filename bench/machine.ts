// The machine a bench runs on, for its report, and the CPU --one-core pins
// children to; shared by the plain bench and the A/B compare.

import { spawnSync } from 'node:child_process';
import { arch, cpus, platform, release, totalmem } from 'node:os';

export interface Machine {
  cpuModel: string;
  cpus: number;
  memoryGB: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  const c = cpus();
  return {
    cpuModel: c[0]?.model ?? 'unknown',
    cpus: c.length,
    memoryGB: Number((totalmem() / 1e9).toFixed(1)),
    node: process.version,
    platform: `${platform()} ${release()} ${arch()}`,
  };
}

/**
 * The CPU for --one-core: the last one this process may run on (taskset must
 * exist; it is util-linux's, on every Linux we know).
 */
export function oneCore(): number {
  const probe = spawnSync('taskset', ['-cp', String(process.pid)], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0) throw new Error('--one-core needs taskset (util-linux), which was not found');
  const cpus = /:\s*([\d,-]+)\s*$/.exec(probe.stdout.trim())?.[1] ?? '0';
  const last = cpus.split(',').pop()!.split('-').pop()!;
  return Number(last);
}
