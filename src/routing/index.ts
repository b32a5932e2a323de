/**
 * The router: text classification of citizens' messages, and its evaluation.
 *
 * ```ts
 * import { TextClassifier } from './routing';
 * const router = TextClassifier.train([{ text: '路灯不亮', label: 'STREET_LIGHT' }, ...]);
 * const [best] = router.predict('小区门口路灯坏了');
 * if (best.confidence >= 0.8) dispatch(best.label);
 * ```
 */
export { TextClassifier, DEFAULT_CLASSIFIER_OPTIONS } from './classifier';
export type { ClassifierOptions, Explanation, Prediction, SerializedClassifier, TrainingExample } from './classifier';
export { crossValidate, evaluate, formatReport, latencySummary, metrics } from './evaluate';
export type { ClassMetrics, EvalReport, FoldReport } from './evaluate';
export { readExamplesCsv, writePredictionsCsv } from './csv';
export type { CsvRow } from './csv';
export { normalizeText, tokenize, truncateText, featureSurface, DEFAULT_FEATURE_OPTIONS } from './tokenize';
export type { FeatureOptions } from './tokenize';
export { stratifiedFolds, seededRandom } from './random';
