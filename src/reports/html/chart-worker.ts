// The worker thread of chart-thread.ts: loads vega once, at its start, and
// draws the specs it is sent, one reply per request.

import { parentPort } from 'node:worker_threads';
import { drawChart } from './render-chart.js';
import type { ChartReply, ChartRequest } from './chart-thread.js';

parentPort!.on('message', (request: ChartRequest) => {
  drawChart(request.spec).then(
    (drawn): void => parentPort!.postMessage({ id: request.id, svg: drawn.svg, warnings: drawn.warnings } satisfies ChartReply),
    (e: unknown): void => parentPort!.postMessage({ id: request.id, error: e instanceof Error ? e.message : String(e) } satisfies ChartReply),
  );
});
