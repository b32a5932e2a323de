import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../auth/viewer';
import type { Loaders } from './loaders';

/**
 * What every service method receives first: who is asking, a request-scoped entity manager
 * (an `em.fork()`), and the request's DataLoaders.
 */
export interface RequestContext {
  viewer: Viewer;
  em: EntityManager;
  loaders: Loaders;
  /**
   * The same context with a new entity manager and loaders (a live subscription renders each
   * update with one: a connection-long cache would go stale and keep growing).
   */
  renew?(): RequestContext;
}
