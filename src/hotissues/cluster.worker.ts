/** Runs `hotIssues` off the main thread (see ClusterWorker): one job at a time, in order. */
import { parentPort } from 'node:worker_threads';
import { hotIssues } from './cluster';
import type { HotIssueItem, HotIssueOptions } from './cluster';

parentPort?.on('message', (job: { id: number; items: HotIssueItem[]; options: HotIssueOptions }) => {
  try {
    parentPort!.postMessage({ id: job.id, issues: hotIssues(job.items, job.options) });
  } catch (e) {
    parentPort!.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) });
  }
});
