import { JobWorker, workerScript } from '../shared/job-worker';
import { hotIssues } from './cluster';
import type { HotIssue, HotIssueItem, HotIssueOptions } from './cluster';

/** What a clustering job is given. */
export interface ClusterJob {
  items: HotIssueItem[];
  options: HotIssueOptions;
}

/**
 * Clusters tickets into hot issues on a worker thread: clustering a month of tickets takes the
 * better part of a second of CPU, which on the request thread would hold up every request in
 * flight (intakes included).
 */
export class ClusterWorker {
  private readonly jobs: JobWorker<ClusterJob, HotIssue[]>;

  constructor(script: string | null = workerScript('hotissues/cluster.worker.js')) {
    this.jobs = new JobWorker(
      'hot-issue clustering',
      script,
      (job) => hotIssues(job.items, job.options),
      (issues) => issues.map((i) => ({ ...i, firstTime: new Date(+i.firstTime), lastTime: new Date(+i.lastTime) })),
    );
  }

  run(items: HotIssueItem[], options: HotIssueOptions): Promise<HotIssue[]> {
    return this.jobs.run({ items, options });
  }

  stop(): Promise<void> {
    return this.jobs.stop();
  }
}
