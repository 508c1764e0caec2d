import { ErrorCode, type WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { ConfigError } from '../../config.js';

/** Slack's answers to auth.test for a bot token that will not work until someone changes the setting. */
const TOKEN_REFUSED = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired']);

interface Identity {
  botId: string | undefined;
  botUserId: string | undefined;
}

/**
 * Who the bot is (auth.test), asked once and kept, for Bolt's `authorize`: its ignoreSelf middleware and
 * po-desk's mention handling need the bot's ids. Bolt, given the token itself, asks when the App is
 * constructed and keeps the answer, failure included: Slack's API unreachable at that moment ended the
 * process (an unhandled rejection, slackapi/bolt-js#248), and had it not, every request after would have
 * failed. Here only an answer is kept; after a failure the next request asks again.
 */
export class BotIdentity {
  private known: Promise<Identity> | undefined;

  constructor(
    private readonly client: WebClient,
    private readonly token: string,
  ) {}

  /** Bolt's `authorize`. When it throws, the request is refused with a 401 (slack-app.ts), which Slack retries for events. */
  readonly authorize = async () => ({ botToken: this.token, ...(await this.identity()) });

  /**
   * At start: a token Slack refuses is a wrong setting, and po-desk does not start with it (ConfigError).
   * Slack's API unreachable or failing is not: po-desk starts, says so, and asks again on the next request.
   */
  async check(log: Logger): Promise<void> {
    try {
      const { botUserId } = await this.identity();
      log.info({ botUserId }, 'slack: the bot token works');
    } catch (error) {
      const refusal = refusedBecause(error);
      if (refusal) {
        throw new ConfigError(`SLACK_BOT_TOKEN: Slack refused it (${refusal}); copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page`);
      }
      log.warn({ err: error }, "slack: could not reach Slack's API to check the bot token; starting anyway, and checking again on the next request from Slack");
    }
  }

  private identity(): Promise<Identity> {
    if (this.known) return this.known;
    const asking = this.client.auth.test({ token: this.token }).then((r) => ({ botId: r.bot_id, botUserId: r.user_id }));
    this.known = asking;
    asking.catch(() => {
      if (this.known === asking) this.known = undefined;
    });
    return asking;
  }
}

function refusedBecause(error: unknown): string | undefined {
  const e = error as { code?: string; data?: { error?: string } };
  return e.code === ErrorCode.PlatformError && e.data?.error && TOKEN_REFUSED.has(e.data.error) ? e.data.error : undefined;
}
