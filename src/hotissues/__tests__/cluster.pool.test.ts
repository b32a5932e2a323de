import { existsSync } from 'node:fs';
import path from 'node:path';
import { hotIssues } from '../cluster';
import type { HotIssueItem } from '../cluster';
import { ClusterWorker } from '../cluster.pool';

const script = path.resolve(__dirname, '../../../dist/src/hotissues/cluster.worker.js');
const now = Date.parse('2026-03-02T01:00:00Z');
const texts = ['公园广场舞音响噪音扰民，晚上十点还在放', '小区门口路灯不亮，晚上很黑', '搅拌站夜间施工噪音很大', '鸿运五金厂拖欠工资三个月，老板失联'];
const items: HotIssueItem[] = Array.from({ length: 200 }, (_, i) => ({ id: `t${i}`, text: `${texts[i % 4]}（${i}）`, time: new Date(now - i * 60_000) }));
const options = { window: { from: new Date(now - 86_400_000), to: new Date(now) }, first: 10 };

(existsSync(script) ? describe : describe.skip)('ClusterWorker (needs the built worker: npm run build)', () => {
  test('answers what hotIssues answers in place', async () => {
    const w = new ClusterWorker(script);
    try {
      expect(await w.run(items, options)).toEqual(hotIssues(items, options));
    } finally {
      await w.stop();
    }
  });

  test('a worker that dies fails its job; the next job starts a new one', async () => {
    const w = new ClusterWorker(script);
    try {
      const first = w.run(items, options);
      await (w as unknown as { jobs: { worker: { terminate(): Promise<number> } } }).jobs.worker.terminate();
      await expect(first).rejects.toThrow(/exited/);
      expect((await w.run(items, options)).length).toBeGreaterThan(0);
    } finally {
      await w.stop();
    }
  });
});

test('without a worker script, jobs run in place', async () => {
  const w = new ClusterWorker(null);
  expect(await w.run(items, options)).toEqual(hotIssues(items, options));
});
