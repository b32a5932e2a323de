import { admin } from './pg-admin';

export default async function globalTeardown(): Promise<void> {
  const url = process.env.DATABASE_URL!;
  const runId = process.env.MINSHENG_TEST_RUN!;
  const embedded = (globalThis as Record<string, unknown>).__minshengDb as
    | { stop: () => Promise<void>; dir: string }
    | undefined;
  if (embedded) {
    await embedded.stop(); // removes its folder too
    return;
  }
  // a shared server: drop what this run created
  await admin(url, async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `select datname from pg_database where datname like $1`,
      [`minsheng_%${runId}%`],
    );
    for (const r of rows) await c.query(`drop database if exists "${r.datname}" with (force)`);
  });
}
