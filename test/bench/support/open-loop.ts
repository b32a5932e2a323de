/**
 * An open-loop intake load in its own process (child_process.fork): realistic calls from the
 * simulator's generator, sent at a fixed rate over keep-alive node:http (lighter than fetch,
 * so the load generator takes less of the machine it shares with the hub). Send k is due at
 * k / rate seconds, whatever the responses do.
 */
import http from 'node:http';
import { postJson } from './child';
import { CallGenerator } from '../../../src/simulate/generator';
import { CREATE_TICKET_MUTATION } from '../../../src/simulate/simulator';

export interface OpenLoopRequest {
  url: string;
  token: string;
  rate: number;
  seconds: number;
  seed: number;
}

export interface OpenLoopResult {
  sent: number;
  ok: number;
  failed: number;
  latencies: number[];
  errors: string[];
}

export async function openLoop(r: OpenLoopRequest): Promise<OpenLoopResult> {
  const u = new URL(r.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const gen = new CallGenerator(r.seed);
  const total = Math.round(r.rate * r.seconds);
  const res: OpenLoopResult = { sent: 0, ok: 0, failed: 0, latencies: [], errors: [] };
  const t0 = performance.now();
  const pending: Promise<void>[] = [];
  const send = async () => {
    res.sent++;
    const reply = await postJson(agent, u, r.token, Buffer.from(JSON.stringify({ query: CREATE_TICKET_MUTATION, variables: { input: gen.next() } })));
    if (reply.status === 200 && !reply.text.includes('"errors"')) {
      res.ok++;
      res.latencies.push(reply.ms);
    } else {
      res.failed++;
      if (res.errors.length < 5) res.errors.push(reply.text.slice(0, 300));
    }
  };
  for (let k = 0; k < total; k++) {
    const due = t0 + (k * 1000) / r.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((ok) => setTimeout(ok, wait));
    pending.push(send());
  }
  await Promise.all(pending);
  agent.destroy();
  return res;
}

if (require.main === module) {
  process.once('message', (m: OpenLoopRequest) => {
    void openLoop(m).then((out) => process.send!(out, () => process.exit(0)));
  });
}
