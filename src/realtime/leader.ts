import { Client } from 'pg';
import type { Notification } from 'pg';

export interface LeaderOptions {
  databaseUrl: string;
  /** the advisory lock's name: one process holds it at a time */
  lock: string;
  /** application_name of the connection, and the name in log lines */
  name: string;
  /** LISTEN on this channel: a notification wakes the worker */
  listen?: string;
  /** run a pass this often, notifications or not (ms; default 1000) */
  pollMs?: number;
  /** retry the lock (and a lost connection) this often, however seldom the passes (ms; default 1000) */
  retryMs?: number;
  /** gather work for this long after a wake-up before a pass (ms; default 0) */
  delayMs?: number;
  log?: (m: string, e?: unknown) => void;
}

/**
 * Background work that runs in one hub process at a time: the process holding a PostgreSQL
 * advisory lock on its own connection does the passes; the others retry the lock every
 * `retryMs` and take over within that time when the leader's connection goes — with a pass at
 * once, then every `pollMs` (an hourly job is taken over within a second too, not within the
 * hour). Wake-ups while a pass runs are folded into one more pass.
 */
export abstract class LeaderWorker {
  protected client: Client | null = null;
  private leader = false;
  private stopped = false;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private idle: (() => void)[] = [];
  /** a connect or lock attempt in progress: the next tick waits for it rather than open a second connection */
  private trying: Promise<void> | null = null;
  /** when the last pass began (ms since the epoch) */
  private lastPass = 0;
  protected readonly log: (m: string, e?: unknown) => void;

  constructor(private readonly lo: LeaderOptions) {
    this.log = lo.log ?? (() => undefined);
  }

  /** One pass of the work, on the leader's connection. */
  protected abstract pass(client: Client): Promise<void>;

  /** Runs when this process has just become the leader. */
  protected async onLead(_client: Client): Promise<void> {}

  /** Runs when the worker stops, while its connection is still open. */
  protected async onStop(_client: Client): Promise<void> {}

  async start(): Promise<void> {
    await this.attempt(() => this.connect());
    // (as often as the lock is retried, or as the passes run when they run more often)
    this.timer = setInterval(() => void this.tick(), Math.min(this.lo.retryMs ?? 1000, this.lo.pollMs ?? 1000));
    this.timer.unref();
    this.kick();
  }

  /** One connect or lock attempt at a time; failures are logged (the next tick retries). */
  private async attempt(f: () => Promise<void>): Promise<void> {
    if (this.trying) return;
    this.trying = f()
      .catch((e) => this.log(`${this.lo.name}: cannot reach the database; retrying`, e))
      .finally(() => (this.trying = null));
    await this.trying;
  }

  private async connect(): Promise<void> {
    const c = new Client({ connectionString: this.lo.databaseUrl, application_name: this.lo.name });
    c.on('error', (e) => this.log(`${this.lo.name} connection error`, e));
    c.on('notification', (n: Notification) => {
      if (n.channel === this.lo.listen) this.kick();
    });
    c.on('end', () => {
      if (this.client !== c) return;
      this.client = null;
      this.leader = false;
    });
    await c.connect();
    if (this.lo.listen) await c.query(`listen ${this.lo.listen}`);
    this.client = c;
    await this.tryLead();
  }

  private async tryLead(): Promise<void> {
    const c = this.client;
    if (!c || this.leader) return;
    const { rows } = await c.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [this.lo.lock]);
    this.leader = rows[0].ok;
    if (this.leader) await this.onLead(c);
  }

  private async tick(): Promise<void> {
    if (this.trying || this.stopped) return;
    const wasLeader = this.leader;
    await this.attempt(() => (this.client ? this.tryLead() : this.connect()));
    // a pass when just become the leader, else when one is due
    const pollMs = this.lo.pollMs ?? 1000;
    const due = pollMs <= (this.lo.retryMs ?? 1000) || Date.now() - this.lastPass >= pollMs;
    if (this.leader && (!wasLeader || due)) this.kick();
  }

  /** Runs a pass now (after `delayMs`), or right after the current one. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const delay = this.lo.delayMs ?? 0;
    this.running = (delay ? new Promise((r) => setTimeout(r, delay)) : Promise.resolve())
      .then(async () => {
        const c = this.client;
        if (!this.leader || !c) return;
        this.lastPass = Date.now();
        try {
          await this.pass(c);
        } catch (e) {
          this.log(`${this.lo.name}: a pass failed; it will be retried`, e);
        }
      })
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.kick();
        } else for (const w of this.idle.splice(0)) w();
      });
  }

  /** Resolves when everything visible when called has been handled (tests, benchmarks). */
  async drain(): Promise<void> {
    for (let i = 0; i < 2; i++) {
      this.kick();
      if (this.running) await new Promise<void>((r) => this.idle.push(r));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.trying;
    await this.running;
    const c = this.client;
    this.client = null;
    this.leader = false;
    if (c) await this.onStop(c).catch(() => undefined);
    await c?.end().catch(() => undefined);
  }
}
