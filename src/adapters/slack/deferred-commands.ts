import { randomUUID } from 'node:crypto';
import type { SlashCommand } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Deps } from '../../app/context.js';
import { MAX_COMMAND_TEXT } from '../../app/run-command.js';
import { splitCommand } from '../../domain/command.js';
import { validateQuestionText } from '../../domain/question.js';
import { message, section } from '../../messages/build.js';
import type { Message } from '../../messages/model.js';
import type { Metrics } from '../../metrics.js';
import type { Db, SqlQuery } from '../../store/database.js';
import { GroupCommit } from '../../store/group-commit.js';
import {
  claimInboundCommands,
  finishInboundCommand,
  retryInboundCommand,
  saveInboundCommands,
  type ClaimedInboundCommand,
  type NewInboundCommand,
} from '../../store/inbound-commands.js';
import { answerSlashCommand, slashCommandContext } from './po-command.js';
import { unescapeSlackText } from './slack-text.js';

/** Slack shows "failed with the error operation_timeout" after 3 s: a save that takes longer is answered before. */
const SAVE_TIMEOUT_MS = 2_500;
/**
 * Acks first: while commands keep arriving (one within this long), the worker waits, so a burst is
 * acked at full speed, in particular on a single-connection database, where an ask's transaction would
 * hold up the next save. Under load, acks come back tens of milliseconds apart in waves; at 20 ms the
 * worker slipped an ask into each lull, and on PGlite each ask held the connection for the next saves.
 */
const QUIET_MS = 100;
/**
 * ...but it still runs one command at least this often, however long the burst lasts. An ask costs
 * ~60-90 ms of CPU (Prisma and the database share the event loop): every 500 ms took a fifth of a busy
 * PGlite process. A real burst (a room of people after a meeting) is over well within this.
 */
const RUN_AT_LEAST_EVERY_MS = 2_000;

const NOT_SAVED = message(
  section('Sorry, I could not save your question just now (my database is not answering). Nothing was sent; please ask again in a minute.'),
);

const SAVED_LATE = message(
  section('Saving your question is taking longer than it should. If no confirmation follows within a minute, please ask again.'),
);

/**
 * A `/po ask` with a question, in a channel: the one command people send in bursts (everyone at once, after
 * a meeting). Everything else is answered in its ack, as before; a form needs the trigger id at once.
 */
export function deferrable(command: SlashCommand): boolean {
  const text = command.text ?? '';
  if (!command.response_url || !command.trigger_id || text.length > MAX_COMMAND_TEXT) return false;
  if (slashCommandContext(command).inDirectMessage) return false;
  const { sub, args } = splitCommand(text);
  return sub === 'ask' && validateQuestionText(unescapeSlackText(args)).ok;
}

export interface DeferredCommandsOptions {
  db: Db;
  /** For the save before the ack (see saveInboundCommands). */
  sql: SqlQuery;
  deps: Deps;
  log: Logger;
  metrics: Metrics;
  /** The outbox has a new answer to send. */
  wakeOutbox: () => void;
  pollMs?: number;
  leaseMs?: number;
  /** Runs that fail unexpectedly (the database, Slack) are retried this often before the person is told. */
  maxAttempts?: number;
}

/**
 * Slash commands acknowledged first and run afterwards. `accept` saves a command with the others arriving
 * at the same moment (group commit) and resolves once it is in the database: only then is it acked, so an
 * acked question is never lost. The worker runs saved commands oldest first, on whichever replica claims
 * them, and answers each through its response_url; the run and the answer commit together.
 */
export class DeferredCommands {
  private readonly workerId = `inbound-${randomUUID()}`;
  private readonly saving: GroupCommit<NewInboundCommand>;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private running: Promise<void> | undefined;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private lastAcceptAt = -Infinity;
  private lastRunAt = -Infinity;

  constructor(private readonly o: DeferredCommandsOptions) {
    this.saving = new GroupCommit((commands) => saveInboundCommands(o.sql, commands, o.deps.clock.now()));
    this.pollMs = o.pollMs ?? 1_000;
    // As the outbox's: a run takes milliseconds, and a crashed replica's questions wait this long for another.
    this.leaseMs = o.leaseMs ?? 30_000;
    this.maxAttempts = o.maxAttempts ?? 5;
  }

  /** 'saved' once the command is in the database; otherwise what to tell the person. */
  async accept(command: SlashCommand): Promise<'saved' | Message> {
    const row: NewInboundCommand = {
      requestKey: slashCommandContext(command).requestKey!,
      platform: 'slack',
      workspaceExternalId: command.team_id,
      workspaceName: command.team_domain,
      channelId: command.channel_id,
      channelName: command.channel_name,
      userId: command.user_id,
      text: command.text ?? '',
      replyUrl: command.response_url,
    };
    this.lastAcceptAt = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), SAVE_TIMEOUT_MS)));
    try {
      const saved = await Promise.race([this.saving.submit(row).then(() => 'saved' as const), late]);
      if (saved === 'late') {
        this.o.log.warn({ requestKey: row.requestKey }, 'slack: saving a command took over 2.5 s; answered before Slack gave up');
        return SAVED_LATE;
      }
      this.wake();
      return 'saved';
    } catch (error) {
      this.o.log.error({ err: error, requestKey: row.requestKey }, 'slack: could not save a command; the person was asked to send it again');
      return NOT_SAVED;
    } finally {
      clearTimeout(timer);
    }
  }

  start(): void {
    this.stopped = false;
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.running;
    this.running = undefined;
  }

  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /** Runs every due command once; returns how many it claimed. */
  private async runDue(): Promise<number> {
    const claimed = await claimInboundCommands(this.o.db, this.workerId, this.o.deps.clock.now(), this.leaseMs, 10);
    for (const [i, command] of claimed.entries()) {
      if (this.stopped) {
        // Give the rest back at once, so another replica (or this one restarted) need not wait out the lease.
        for (const rest of claimed.slice(i)) await retryInboundCommand(this.o.db, rest, this.workerId, this.o.deps.clock.now(), 0, 'released at shutdown');
        break;
      }
      await this.yieldToAcks();
      await this.run(command);
      this.lastRunAt = performance.now();
    }
    return claimed.length;
  }

  private async yieldToAcks(): Promise<void> {
    while (!this.stopped && performance.now() - this.lastAcceptAt < QUIET_MS && performance.now() - this.lastRunAt < RUN_AT_LEAST_EVERY_MS) {
      await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    }
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      this.woken = false;
      let claimed = 0;
      try {
        claimed = await this.runDue();
      } catch (error) {
        this.o.log.error({ err: error }, 'inbound: could not claim commands; trying again');
      }
      if (claimed === 0 && !this.woken && !this.stopped) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.pollMs);
          this.wakeUp = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wakeUp = undefined;
      }
    }
  }

  private async run(command: ClaimedInboundCommand): Promise<void> {
    const log = this.o.log.child({ team: command.workspaceExternalId, user: command.userId, requestKey: command.requestKey });
    const ctx = { ...slashCommandContext({ team_id: command.workspaceExternalId, team_domain: command.workspaceName ?? '', channel_id: command.channelId, channel_name: command.channelName ?? '', user_id: command.userId, trigger_id: '' }), requestKey: command.requestKey };
    try {
      const { shown, sub, outcome } = await answerSlashCommand(ctx, command.text, this.o.deps, log);
      const now = this.o.deps.clock.now();
      if (outcome === 'error' && command.attempts < this.maxAttempts) {
        // Something failed that may pass (the database, Slack): the question is asked again later, and the
        // request key makes sure it is asked once.
        const delayMs = Math.min(60_000, 1_000 * 2 ** (command.attempts - 1));
        await retryInboundCommand(this.o.db, command, this.workerId, now, delayMs, 'the command failed; see the log');
        return;
      }
      const reply = shown.kind === 'form' ? undefined : shown.message;
      const finished = await finishInboundCommand(this.o.db, command, this.workerId, { status: outcome === 'error' ? 'failed' : 'done', at: now, reply });
      if (!finished) return;
      this.o.metrics.commands.inc({ platform: 'slack', sub: sub || 'help', outcome });
      this.o.wakeOutbox();
    } catch (error) {
      // Recording the outcome failed (the database went away): the claim expires and the command runs again.
      log.error({ err: error }, 'inbound: could not record a command’s outcome; it will run again');
    }
  }
}
