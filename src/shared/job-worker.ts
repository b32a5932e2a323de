import { existsSync } from 'node:fs';
import path from 'node:path';
import { parentPort, Worker } from 'node:worker_threads';

/**
 * A built worker script, `src/<file>` compiled under dist (from a TypeScript source run in
 * place — tests — the built one); null when there is none.
 */
export function workerScript(file: string): string | null {
  const src = __filename.endsWith('.ts') ? path.resolve(__dirname, '../../dist/src') : path.resolve(__dirname, '..');
  const script = path.join(src, file);
  return existsSync(script) ? script : null;
}

interface Pending<O> {
  resolve(output: O): void;
  reject(e: Error): void;
}

/**
 * CPU-heavy jobs on a worker thread, so that the request thread (intakes included) is not held
 * up while they run: one worker, started on first use, jobs in order; a worker that dies fails
 * its jobs and the next job starts a new one. Without a built worker script the jobs run in place.
 */
export class JobWorker<I, O> {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending<O>>();
  private next = 1;
  private stopped = false;

  /**
   * @param what names the jobs in errors
   * @param inPlace the job itself, for when there is no worker script
   * @param revive makes what came back usable here (a host running code in a context of its own —
   *   a test runner's sandbox — has a Date of its own, which a clone from a worker is not)
   */
  constructor(
    private readonly what: string,
    private readonly script: string | null,
    private readonly inPlace: (input: I) => O,
    private readonly revive: (output: O) => O = (o) => o,
  ) {}

  run(input: I): Promise<O> {
    if (!this.script || this.stopped) return Promise.resolve().then(() => this.inPlace(input));
    const w = this.start();
    const id = this.next++;
    // (a job under way keeps the process alive; an idle worker does not)
    w.ref();
    return new Promise<O>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, input });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.script!);
    w.on('message', (m: { id: number; output?: O; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (!this.pending.size) w.unref();
      if (m.error !== undefined) p.reject(new Error(`${this.what} failed: ${m.error}`));
      else p.resolve(this.revive(m.output as O));
    });
    const fail = (e: Error) => {
      if (this.worker !== w) return;
      this.worker = null;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`the ${this.what} worker exited (code ${code})`)));
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

/** In a worker script: answers each job with `job(input)`, one at a time, in order. */
export function serveJobs<I, O>(job: (input: I) => O): void {
  parentPort?.on('message', (m: { id: number; input: I }) => {
    try {
      parentPort!.postMessage({ id: m.id, output: job(m.input) });
    } catch (e) {
      parentPort!.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
    }
  });
}
