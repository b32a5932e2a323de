import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261127225810 } from './Migration20261127225810';

/**
 * Every migration, in order. `minsheng migration:create` writes a new file here and adds it
 * to this list; the list (not a folder scan) is what runs, in source and compiled form alike.
 */
export const migrationsList: MigrationObject[] = [
  { name: 'Migration20261127225810', class: Migration20261127225810 },
];
