// The `analyze` batch task: one trace in, its AnalyzeResult out (plain data,
// so it crosses from a worker by structured clone unchanged).

import type { AnalyzeOptions, AnalyzeResult } from '../analyzers/analyze.js';
import { analyzeTrace } from './analyze.js';
import { defineTask } from '../batch/task.js';

/** analyzeTrace's options are plain data: they cross to a worker as they are. */
export type AnalyzeTaskOptions = AnalyzeOptions;

export const analyzeTask = defineTask<AnalyzeTaskOptions, AnalyzeResult>({
  name: 'analyze',
  run: (input, options, context) => analyzeTrace(input, options, { onProgress: (bytesRead, totalBytes) => context.progress(bytesRead, totalBytes) }),
});
