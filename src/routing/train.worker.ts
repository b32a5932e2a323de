/** Trains the router off the main thread (see RouterService): one job at a time, in order. */
import { serveJobs } from '../shared/job-worker';
import { TextClassifier } from './classifier';
import type { TrainingExample } from './classifier';

serveJobs((examples: TrainingExample[]) => TextClassifier.train(examples).toJSON());
