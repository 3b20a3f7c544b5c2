// What `memreplay report` writes, as names only: kept apart from the
// renderers so the command line can name formats and folders without
// loading vega (which every other command would then pay for at start-up).

export type ReportFormat = 'html' | 'json' | 'md';
export const REPORT_FORMATS: readonly ReportFormat[] = ['html', 'json', 'md'];

/** The folder beside a report page that holds its charts' vega-lite specs. */
export function chartsFolder(name: string): string {
  return `${name}.charts`;
}
