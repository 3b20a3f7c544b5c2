// The batch tasks of memreplay's commands, each one of this folder's drivers
// run in a worker. A worker imports a task by its module's URL, so they are
// registered here, by module, beside the drivers they run; importing this
// module (trace-batch.ts does) makes them known to the pool.

import { registerTask } from '../batch/task-registry.js';

/** The module of each command's task (`.js` even beside a `.ts` source: module-location.ts maps it). */
export const COMMAND_TASKS = {
  analyze: new URL('./analyze-task.js', import.meta.url),
  check: new URL('./check-task.js', import.meta.url),
  report: new URL('./report-task.js', import.meta.url),
} as const;

export type CommandTaskName = keyof typeof COMMAND_TASKS;

for (const [name, url] of Object.entries(COMMAND_TASKS)) registerTask(name, url);
