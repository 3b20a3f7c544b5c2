// `memreplay fleet submit|worker|status|report|forget`: many traces analyzed on many
// machines through a BullMQ queue in Redis (docs/fleet.md).

import type { Argv, CommandModule } from 'yargs';
import { withHonestHelp } from '../honest-help.js';
import { fleetForgetCommand } from './fleet-forget.js';
import { fleetReportCommand } from './fleet-report.js';
import { fleetStatusCommand } from './fleet-status.js';
import { fleetSubmitCommand } from './fleet-submit.js';
import { fleetWorkerCommand } from './fleet-worker.js';

const SUBCOMMANDS = [fleetSubmitCommand, fleetWorkerCommand, fleetStatusCommand, fleetReportCommand, fleetForgetCommand] as CommandModule[];

export const fleetCommand: CommandModule = {
  command: 'fleet',
  describe: 'analyze traces on many machines: submit jobs, run workers, follow and report a run (docs/fleet.md)',
  builder: (y: Argv) => {
    let b = y;
    for (const command of SUBCOMMANDS) b = b.command(withHonestHelp(command));
    return b.demandCommand(1, 'name a fleet command: submit, worker, status, report or forget');
  },
  handler: () => undefined,
};
