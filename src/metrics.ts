import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process; a fresh registry per app so tests never share counters. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = (name: string, help: string, labelNames: string[]) => new Counter({ name, help, labelNames, registers: [registry] });
  return {
    registry,
    commands: counter('podesk_commands_total', 'Slash commands handled', ['platform', 'sub', 'outcome']),
    outboxSent: counter('podesk_outbox_sent_total', 'Outbox messages delivered', ['platform']),
    outboxDead: counter('podesk_outbox_dead_total', 'Outbox messages dead-lettered', ['platform']),
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
