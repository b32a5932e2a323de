/**
 * Hot issues (热点) and duplicates (重复件): near-duplicate detection of citizens' texts, and
 * clustering of recent tickets into topics ranked by a heat index.
 *
 * ```ts
 * import { NearDuplicateIndex, hotIssues } from './hotissues';
 * const index = new NearDuplicateIndex({ maxSize: 50_000 });
 * const copies = index.query(text); // earlier tickets with (nearly) the same text
 * index.add(ticketId, text);
 * const top = hotIssues(recentTickets, { first: 5 }); // [{ label, count, heat, evidenceIds, ... }]
 * ```
 */
export {
  NearDuplicateIndex,
  DEFAULT_MIN_CONTAINMENT,
  DEFAULT_MIN_SIMILARITY,
  DEFAULT_SKETCH_OPTIONS,
  MAX_TEXT_CHARS,
  capText,
  compareShingles,
  estimateJaccard,
  jaccard,
  minhashSignature,
  normalizeForMatching,
  shingleHashes,
  sketchText,
} from './similarity';
export type { NearDuplicateIndexOptions, NearDuplicateMatch, NearDuplicateQueryOptions, SketchOptions, TextSketch } from './similarity';
export { DEFAULT_HEAT_WEIGHTS, TOPIC_STOPWORDS, heatIndex, hotIssues, topicTerms } from './cluster';
export type { DuplicateTicket, HeatWeights, HotIssue, HotIssueItem, HotIssueOptions } from './cluster';
