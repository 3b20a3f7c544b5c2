// The library's public entry point.

export { analyzeTrace, ANALYZE_SCHEMA, type AnalyzeResult, type AnalyzeOptions } from './analyzers/analyze.js';
export { replayTrace, type ReplayedTrace, type ReplayTraceOptions } from './replay/replay-trace.js';
export { Replayer, ReplayStop, type ReplayObserver, type ReplayOptions } from './replay/replayer.js';
export { importTrace, parseTraceBytes, type ImportOptions, type ImportSummary } from './import/index.js';
export { PymallocModel, NOT_PYMALLOC, type ArenaSource } from './models/pymalloc/pymalloc-model.js';
export { geometryFor, PYTHON_VERSIONS, type PythonVersion, type PymallocGeometry } from './models/pymalloc/geometry.js';
export { walkStats, countersStats, type PymallocStats } from './models/pymalloc/stats.js';
export { formatDebugMallocStats } from './models/pymalloc/stats-text.js';
export { MemreplayError, TraceFormatError, UsageError } from './errors.js';
export { buildReport, DEFAULT_REPORT_LIMITS } from './analyzers/report.js';
export * from './analyzers/report-data.js';
export { runBatch, defaultJobs, type BatchRequest, type BatchProgress } from './batch/pool.js';
export { expandInputs, type ExpandOptions } from './batch/expand-inputs.js';
export { registerTask } from './batch/task-registry.js';
export { defineTask, type BatchTask, type TaskContext } from './batch/task.js';
export type { BatchOutcome, BatchFailure } from './batch/outcome.js';
export { renderHtmlReport, reportCharts, type HtmlReport, type HtmlReportOptions } from './reports/report-html.js';
export { formatReportMarkdown } from './reports/report-md.js';
export { formatReportJson } from './reports/report-json.js';
