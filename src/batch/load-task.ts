// Import a task's module and find the task in it, in a worker or in this thread.

import { findTaskExport, type BatchTask } from './task.js';

export async function loadTask(moduleUrl: URL, name: string): Promise<BatchTask<unknown, unknown>> {
  const exports = (await import(moduleUrl.href)) as Record<string, unknown>;
  const task = findTaskExport(exports, name);
  if (task === undefined) throw new Error(`${moduleUrl.href} exports no task named ${JSON.stringify(name)}`);
  return task;
}
