import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { hotIssues } from './cluster';
import type { HotIssue, HotIssueItem, HotIssueOptions } from './cluster';

/** The compiled worker script (from a TypeScript source run in place — tests — the built one). */
function workerScript(): string | null {
  const here = __filename.endsWith('.ts') ? path.resolve(__dirname, '../../dist/src/hotissues') : __dirname;
  const script = path.join(here, 'cluster.worker.js');
  return existsSync(script) ? script : null;
}

interface Pending {
  resolve(issues: HotIssue[]): void;
  reject(e: Error): void;
}

/**
 * Clusters tickets into hot issues on a worker thread: clustering a month of tickets takes the
 * better part of a second of CPU, which on the request thread would hold up every request in
 * flight (intakes included). One worker, started on first use, jobs in order; a worker that
 * dies fails its jobs and the next job starts a new one. Without a built worker script the
 * jobs run in place.
 */
export class ClusterWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private next = 1;
  private stopped = false;

  constructor(private readonly script: string | null = workerScript()) {}

  run(items: HotIssueItem[], options: HotIssueOptions): Promise<HotIssue[]> {
    if (!this.script || this.stopped) return Promise.resolve().then(() => hotIssues(items, options));
    const w = this.start();
    const id = this.next++;
    return new Promise<HotIssue[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, items, options });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.script!);
    w.unref();
    w.on('message', (m: { id: number; issues?: HotIssue[]; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error !== undefined) p.reject(new Error(`hot-issue clustering failed: ${m.error}`));
      // dates cloned from the worker are made again here: a host that runs code in a context of
      // its own (a test runner's sandbox) has a Date of its own, which a clone is not
      else p.resolve((m.issues ?? []).map((i) => ({ ...i, firstTime: new Date(+i.firstTime), lastTime: new Date(+i.lastTime) })));
    });
    const fail = (e: Error) => {
      if (this.worker !== w) return;
      this.worker = null;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`the hot-issue worker exited (code ${code})`)));
    this.worker = w;
    return w;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const w = this.worker;
    this.worker = null;
    for (const p of this.pending.values()) p.reject(new Error('the hub is stopping'));
    this.pending.clear();
    if (w) await w.terminate();
  }
}
