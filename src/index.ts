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
export { runBatch, defaultJobs, type BatchRequest, type BatchProgress } from './batch/pool.js';
export { expandInputs, type ExpandOptions } from './batch/expand-inputs.js';
export { registerTask } from './batch/task-registry.js';
export { defineTask, type BatchTask, type TaskContext } from './batch/task.js';
export type { BatchOutcome, BatchFailure } from './batch/outcome.js';
export { findLeaks, LEAKS_SCHEMA, type LeaksOptions, type LeaksResult, type LeaksSite } from './analyzers/leaks.js';
export { SITE_GROUPINGS, type SiteGrouping } from './analyzers/live-sites.js';
export { classifyGrowth, type GrowthClass, type GrowthVerdict } from './analyzers/growth-rule.js';
export { parseSuppressions, SuppressionMatcher, type SuppressionRule } from './suppressions/suppressions.js';
export { loadSuppressions } from './suppressions/load.js';
export { checkTrace, CHECK_SCHEMA, type CheckReport, type TraceCheck } from './check/run-check.js';
export { BUDGET_NAMES, type Budgets, type BudgetName } from './check/budgets.js';
export { loadConfig, findConfig, CONFIG_FILE } from './check/config.js';
export { buildReport, DEFAULT_REPORT_LIMITS } from './analyzers/report.js';
export * from './analyzers/report-data.js';
