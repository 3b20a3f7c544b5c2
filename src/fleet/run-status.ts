// `fleet status`: how far a run is, as one line.

import type { EngineAddress } from './engine-url.js';
import { RunRecords, type RunProgress } from './run-records.js';

export async function runStatus(engine: EngineAddress, run: string): Promise<RunProgress> {
  const records = await RunRecords.open(engine, run);
  try {
    return await records.progress();
  } finally {
    await records.close();
  }
}

/** `nightly: 812 of 1,000 finished (800 done, 12 failed), 4 running, 184 waiting` */
export function progressText(run: string, p: RunProgress): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  return `${run}: ${n(p.done + p.failed)} of ${n(p.total)} finished (${n(p.done)} done, ${n(p.failed)} failed), ${n(p.running)} running, ${n(p.waiting)} waiting`;
}
