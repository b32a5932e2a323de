/**
 * Child-process entry of forkSwarm (see ws-swarm.ts): `child_process.fork` of the compiled file,
 * dist/test/bench/support/ws-swarm-worker.js. Protocol over IPC:
 *
 *   parent → { cmd: 'start', opts }        child → { type: 'ready' } | { type: 'failed', error }
 *   parent → { cmd: 'report' | 'reset' | 'stop', seq }   child → { type: 'reply', seq, snapshot }
 *
 * `reset` answers with the snapshot taken just before the reset; `stop` closes every socket,
 * answers with the final snapshot and exits. The worker also stops when its parent goes away.
 */
import { Swarm } from './ws-swarm';
import type { WorkerCommand, WorkerReply } from './ws-swarm';

let swarm: Swarm | undefined;

function send(m: WorkerReply, then?: () => void): void {
  if (process.connected) process.send!(m, undefined, {}, () => then?.());
  else then?.();
}

async function handle(m: WorkerCommand): Promise<void> {
  if (m.cmd === 'start') {
    if (swarm) return send({ type: 'failed', error: 'already started' });
    try {
      swarm = new Swarm(m.opts);
      await swarm.start();
      send({ type: 'ready' });
    } catch (e) {
      send({ type: 'failed', error: e instanceof Error ? e.message : String(e) });
    }
    return;
  }
  const s = swarm ?? new Swarm({ url: 'ws://unused', subscribers: 0, query: '' });
  switch (m.cmd) {
    case 'report':
      return send({ type: 'reply', seq: m.seq, snapshot: s.snapshot() });
    case 'reset': {
      const snapshot = s.snapshot();
      s.resetStats();
      return send({ type: 'reply', seq: m.seq, snapshot });
    }
    case 'stop':
      await s.stop();
      return send({ type: 'reply', seq: m.seq, snapshot: s.snapshot() }, () => {
        process.disconnect();
        process.exit(0);
      });
  }
}

if (!process.send) {
  console.error('ws-swarm-worker: start it with child_process.fork (see forkSwarm in ws-swarm.ts)');
  process.exit(1);
}
process.on('message', (m: WorkerCommand) => void handle(m));
process.on('disconnect', () => {
  void (swarm ? swarm.stop() : Promise.resolve()).finally(() => process.exit(0));
});
