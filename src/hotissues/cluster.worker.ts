/** Runs `hotIssues` off the main thread (see ClusterWorker): one job at a time, in order. */
import { serveJobs } from '../shared/job-worker';
import { hotIssues } from './cluster';
import type { ClusterJob } from './cluster.pool';

serveJobs((job: ClusterJob) => hotIssues(job.items, job.options));
