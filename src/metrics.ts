import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How many outbox messages are in each status now, read from the database when /metrics is scraped. */
export type OutboxCounts = () => Promise<{ status: string; count: number }[]>;

/** Prometheus metrics of one process; a fresh registry per app so tests never share counters. */
export function createMetrics(outboxCounts?: OutboxCounts) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = (name: string, help: string, labelNames: string[]) => new Counter({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    commands: counter('podesk_commands_total', 'Slash commands handled', ['platform', 'sub', 'outcome']),
    outboxSent: counter('podesk_outbox_sent_total', 'Outbox messages delivered', ['platform']),
    outboxDead: counter('podesk_outbox_dead_total', 'Outbox messages dead-lettered', ['platform']),
    // The counters above start at 0 with every process; this one is what the database holds, whoever sent it.
    outboxMessages: new Gauge({
      name: 'podesk_outbox_messages',
      help: 'Outbox messages by status now: pending (not delivered yet), dead (given up on: see the log and lastError)',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        if (!outboxCounts) return;
        // The database may be down: then the gauge is left out rather than failing the whole scrape.
        const counts = await outboxCounts().catch(() => undefined);
        this.reset();
        if (!counts) return;
        for (const status of ['pending', 'dead']) this.set({ status }, counts.find((c) => c.status === status)?.count ?? 0);
      },
    }),
    outboxRateLimited: counter('podesk_outbox_rate_limited_total', 'Platform rate-limit answers (429)', ['platform']),
    jobRuns: counter('podesk_job_runs_total', 'Scheduled job occurrences', ['job', 'outcome']),
    ackSeconds: new Histogram({
      name: 'podesk_ack_seconds',
      help: 'Time from receiving a platform request to acknowledging it',
      labelNames: ['platform', 'kind'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
