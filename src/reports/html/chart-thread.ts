// Drawing a report's charts on a second thread (chart-worker.ts). Loading
// vega and vega-lite and drawing the charts cost about a second of a large
// trace's report; on the worker, vega loads while the trace is replayed here,
// and charts whose data the first pass already settled are drawn while this
// thread still walks the peaks (run/report.ts onFirstPass). A chart's SVG is
// a function of its spec alone (its ids are prefixed on the page,
// chart-svg.ts), so a spec asked for twice is drawn once: a chart drawn
// early is taken as it is when the page asks for the same spec.

import { Worker } from 'node:worker_threads';
import type { TopLevelSpec } from 'vega-lite';
import { compiledModuleUrl } from '../../module-location.js';
import type { DrawnChart } from './chart-svg.js';

const WORKER_URL = new URL('./chart-worker.js', import.meta.url);

export interface ChartRequest {
  readonly id: number;
  readonly spec: TopLevelSpec;
}

export type ChartReply = { readonly id: number; readonly svg: string; readonly warnings: readonly string[] } | { readonly id: number; readonly error: string };

interface Waiting {
  readonly resolve: (drawn: DrawnChart) => void;
  readonly reject: (e: Error) => void;
}

export class ChartThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  /** Every spec asked for, by its JSON text. */
  private readonly drawn = new Map<string, Promise<DrawnChart>>();
  private nextId = 0;
  /** The worker's own failure (it could not load, or died): every later request fails with it. */
  private crash: Error | null = null;

  constructor() {
    this.worker = new Worker(compiledModuleUrl(WORKER_URL));
    this.worker.on('message', (reply: ChartReply) => {
      const w = this.waiting.get(reply.id);
      if (w === undefined) return;
      this.waiting.delete(reply.id);
      if ('error' in reply) w.reject(new Error(reply.error));
      else w.resolve({ svg: reply.svg, warnings: reply.warnings });
    });
    this.worker.on('error', (e: Error) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new Error(`the chart thread stopped (exit code ${code})`)));
  }

  /** The spec drawn on the worker; the same spec again is the same drawing. */
  draw(spec: TopLevelSpec): Promise<DrawnChart> {
    const key = JSON.stringify(spec);
    let drawn = this.drawn.get(key);
    if (drawn === undefined) {
      drawn = this.request(spec);
      // A chart drawn early and never asked for again must not fail the process unobserved.
      drawn.catch(() => undefined);
      this.drawn.set(key, drawn);
    }
    return drawn;
  }

  close(): void {
    this.crash ??= new Error('the chart thread was closed');
    void this.worker.terminate();
  }

  private request(spec: TopLevelSpec): Promise<DrawnChart> {
    if (this.crash !== null) return Promise.reject(this.crash);
    const id = this.nextId++;
    return new Promise<DrawnChart>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, spec } satisfies ChartRequest);
    });
  }

  private fail(e: Error): void {
    this.crash ??= e;
    for (const w of this.waiting.values()) w.reject(e);
    this.waiting.clear();
  }
}
