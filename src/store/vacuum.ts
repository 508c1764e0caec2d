import type { Logger } from 'pino';
import type { Database } from './database.js';

/** A vacuum slower than this is worth a line in the log: it held the embedded database that long. */
const SLOW_MS = 1_000;

/**
 * PGlite runs no autovacuum, so every row an UPDATE or DELETE replaced stayed, with its index entries,
 * for the life of the data dir. The outbox updates each message twice (claimed, then sent) and the
 * inbound commands once: after a burst of 29,000 asks the outbox's table held 86,000 rows in 238 MB,
 * its index on `status` pointed at 107,000 rows for 7,800 pending, and each claim read the whole heap
 * (105 ms, mostly reads of pages from disk past the 4 MB of shared buffers). VACUUM every minute keeps
 * that work to what changed since the last one: 4-40 ms at that size, ~1 ms on a quiet bot.
 * Returns a function that stops it and waits for a vacuum in progress.
 */
export function vacuumEmbeddedDatabase(db: Database, log: Logger, everyMs = 60_000): () => Promise<void> {
  const vacuum = db.vacuum;
  if (!vacuum) return async () => {};
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    const started = performance.now();
    running = vacuum()
      .then(() => {
        const ms = Math.round(performance.now() - started);
        if (ms >= SLOW_MS) log.warn({ ms }, 'database: vacuuming the embedded database took long');
      })
      .catch((error: unknown) => log.error({ err: error }, 'database: could not vacuum the embedded database; trying again in a minute'))
      .finally(() => (running = undefined));
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}

/**
 * po-desk leaves PostgreSQL's vacuuming to its autovacuum. With autovacuum off, the outbox's table keeps
 * every message's two replaced rows, and its claim slows as the bot ages as PGlite's did (134 ms with
 * 151,000 dead rows, against a few ms). Said once at start; the setting is the database's, not ours.
 */
export async function warnIfAutovacuumIsOff(db: Database, log: Logger): Promise<void> {
  if (db.kind !== 'postgres') return;
  const [row] = await db.sql.query<{ autovacuum: string }>(`SELECT current_setting('autovacuum') AS autovacuum`);
  if (row?.autovacuum === 'off') {
    log.warn('database: PostgreSQL’s autovacuum is off, so po-desk’s outbox will slow down as it ages; turn it on, or VACUUM "OutboxMessage" and "InboundCommand" regularly');
  }
}
