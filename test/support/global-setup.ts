import 'reflect-metadata';
import { startThrowawayPostgres } from '../../src/app/database';

/**
 * Starts an embedded PostgreSQL unless DATABASE_URL is set. The first test file migrates a
 * template database (test/support/hub.ts); every test file clones it into a fresh database.
 * (The ORM is not loaded here: jest runs this outside the test sandbox.)
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${process.pid}_${Date.now().toString(36)}`;
  process.env.MINSHENG_TEST_RUN = runId;
  if (!process.env.DATABASE_URL) {
    const db = await startThrowawayPostgres('postgres', 'minsheng-test-');
    process.env.DATABASE_URL = db.url;
    (globalThis as Record<string, unknown>).__minshengDb = { stop: db.stop, dir: db.dir };
    console.log(`\n[test] embedded PostgreSQL at ${new URL(db.url).host}`);
  } else {
    console.log(`\n[test] PostgreSQL from DATABASE_URL (${new URL(process.env.DATABASE_URL).host})`);
  }
  process.env.MINSHENG_TEST_TEMPLATE = `minsheng_tpl_${runId}`;
}
