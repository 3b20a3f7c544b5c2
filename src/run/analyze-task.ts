// The `analyze` batch task: one trace in, its AnalyzeResult out (plain data,
// so it crosses from a worker by structured clone unchanged).

import type { AnalyzeOptions, AnalyzeResult } from '../analyzers/analyze.js';
import { analyzeTrace } from './analyze.js';
import { defineTask } from '../batch/task.js';

/** The options that can cross to a worker: analyzeTrace's, without callbacks and observers. */
export type AnalyzeTaskOptions = Pick<AnalyzeOptions, 'python' | 'format' | 'lenient' | 'top' | 'by' | 'depth' | 'keepImportFrames' | 'projectRoot' | 'atEnd'>;

export const analyzeTask = defineTask<AnalyzeTaskOptions, AnalyzeResult>({
  name: 'analyze',
  run: (input, options, context) =>
    analyzeTrace(input, {
      python: options.python,
      format: options.format,
      lenient: options.lenient,
      top: options.top,
      ...(options.by !== undefined ? { by: options.by } : {}),
      ...(options.depth !== undefined ? { depth: options.depth } : {}),
      ...(options.keepImportFrames !== undefined ? { keepImportFrames: options.keepImportFrames } : {}),
      ...(options.projectRoot !== undefined ? { projectRoot: options.projectRoot } : {}),
      ...(options.atEnd === true ? { atEnd: true } : {}),
      onProgress: (bytesRead, totalBytes) => context.progress(bytesRead, totalBytes),
    }),
});
