// `fleet forget`: a run removed from the engine once its report is written,
// so Redis holds only the runs still wanted (docs/fleet.md, "Sizing").

import type { EngineAddress } from './engine-url.js';
import { RunRecords } from './run-records.js';

/** Remove the run's jobs and records; returns how many jobs were removed. */
export async function forgetRun(engine: EngineAddress, run: string): Promise<number> {
  const records = await RunRecords.open(engine, run);
  try {
    return await records.forget();
  } finally {
    await records.close();
  }
}
