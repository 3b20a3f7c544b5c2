// Tasks by name. A worker cannot see objects of the thread that started it,
// so the registry maps a name to the URL of the module that exports the task;
// the pool hands that URL to each worker, which imports it. Commands register
// their own task with `registerTask` (or add a built-in line below).

import { UsageError } from '../errors.js';

const tasks = new Map<string, URL>([
  // `.js` even beside a `.ts` source: module-location.ts maps it to what exists.
  ['analyze', new URL('./tasks/analyze.js', import.meta.url)],
]);

/** Register (or replace) the module that exports the task named `name`. */
export function registerTask(name: string, moduleUrl: URL | string): void {
  tasks.set(name, new URL(moduleUrl));
}

/** The module URL of a registered task. */
export function taskModuleUrl(name: string): URL {
  const url = tasks.get(name);
  if (url === undefined) {
    throw new UsageError(`no batch task named ${JSON.stringify(name)}; registered: ${[...tasks.keys()].join(', ')}`);
  }
  return url;
}
