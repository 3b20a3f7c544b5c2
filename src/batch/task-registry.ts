// Tasks by name. A worker cannot see objects of the thread that started it,
// so the registry maps a name to the URL of the module that exports the task;
// the pool hands that URL to each worker, which imports it. The commands'
// tasks are registered by src/run/tasks.ts; a library user registers its own.

import { UsageError } from '../errors.js';

const tasks = new Map<string, URL>();

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
