import { AppCredentials, ServiceClientCredentialsFactory, type AuthenticatorResult } from 'botframework-connector';
import type { Clock } from '../../src/clock.js';
import type { RunningApp } from '../../src/start.js';
import { adaptiveCardErrors } from './adaptive-card-schema.js';
import { FakeBotConnector } from './fake-bot-connector.js';
import type { FakeSlack } from './fake-slack.js';
import { postActivity, type PostResult } from './teams-activities.js';
import { slackEnv, startAppOn } from './test-app.js';
import type { TestDatabase, TestDbKind } from './test-database.js';

export const APP_ID = '5d1b2c3a-0000-4000-8000-00000000a99d';
export const AAD_TOKEN = 'fake-aad-access-token';

/** Azure AD's part, faked: tokens for the Bot Connector without MSAL calling login.microsoftonline.com. */
class FakeAadCredentials extends AppCredentials {
  protected async refreshToken(): Promise<AuthenticatorResult> {
    return { accessToken: AAD_TOKEN, expiresOn: new Date(Date.now() + 3600_000) };
  }
}

export class FakeAadCredentialsFactory extends ServiceClientCredentialsFactory {
  constructor(private readonly appId: string) {
    super();
  }
  async isValidAppId(appId: string): Promise<boolean> {
    return appId === this.appId;
  }
  async isAuthenticationDisabled(): Promise<boolean> {
    return false;
  }
  async createCredentials(appId: string, audience: string | undefined): Promise<AppCredentials> {
    return new FakeAadCredentials(appId, undefined, audience);
  }
}

export interface TeamsTestApp {
  app: RunningApp;
  fake: FakeBotConnector;
  database: TestDatabase;
  baseUrl: string;
  /** POSTs an activity to /api/messages, signed like the Bot Framework service when credentials are on. */
  send(activity: unknown): Promise<PostResult>;
  stop(): Promise<void>;
}

/**
 * The real app (botbuilder CloudAdapter over HTTP, real outbox) on a fresh database, talking to a fake
 * Bot Connector. `credentials: true` configures MICROSOFT_APP_ID/PASSWORD, so every activity must carry
 * a valid token signed by the fake's OpenID keys; otherwise TEAMS_AUTH=off.
 */
export async function startTeamsTestApp(kind: TestDbKind, options: { credentials?: boolean; slack?: FakeSlack; clock?: Clock } = {}): Promise<TeamsTestApp> {
  const fake = await FakeBotConnector.start();
  if (options.credentials) fake.expectedToken = AAD_TOKEN;
  const started = await startAppOn(
    kind,
    {
      // Slack too, for products that span a Slack workspace and a Teams tenant.
      ...(options.slack ? slackEnv(options.slack) : {}),
      ...(options.credentials
        ? { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'not-used-by-the-fake', MICROSOFT_APP_TYPE: 'MultiTenant' }
        : { TEAMS_AUTH: 'off' }),
    },
    {
      ...(options.credentials ? { teamsEndpoints: { openIdMetadataUrl: fake.openIdMetadataUrl, credentialsFactory: new FakeAadCredentialsFactory(APP_ID) } } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    },
  );
  return {
    ...started,
    fake,
    async send(activity) {
      introduce(fake, activity);
      const token = options.credentials ? fake.signToken({ appId: APP_ID, serviceUrl: (activity as { serviceUrl?: string }).serviceUrl }) : undefined;
      const result = await postActivity(started.baseUrl, activity, token);
      // Cards in invoke answers (refreshed cards, dialogs) must validate like the ones sent to the connector.
      for (const card of cardsIn(result.body)) {
        const errors = adaptiveCardErrors(card);
        if (errors.length > 0) fake.unexpected.push(`invalid Adaptive Card in the answer to ${(activity as { name?: string }).name ?? 'an activity'}: ${errors.join('; ')}`);
      }
      return result;
    },
    /** Also fails when the fake still lists unexpected calls (the last test's, or ones that came after its checks). */
    async stop() {
      await started.stop();
      const unexpected = [...fake.unexpected];
      await fake.close();
      if (unexpected.length > 0) throw new Error(`the fake Bot Connector saw unexpected calls: ${unexpected.join('; ')}`);
    },
  };
}

/**
 * What Teams knows once a person sent `activity`: the activity exists in its conversation (the bot may
 * reply to it), and a personal chat is that person's 1:1 with the bot.
 */
function introduce(fake: FakeBotConnector, activity: unknown): void {
  const a = activity as { id?: unknown; conversation?: { id?: unknown; conversationType?: unknown }; from?: { id?: unknown } } | null;
  const conversationId = a?.conversation?.id;
  if (typeof conversationId !== 'string') return;
  const base = conversationId.split(';')[0]!; // a channel thread's activities belong to the channel
  if (typeof a!.id === 'string') fake.knowActivity(base, a!.id);
  if (a!.conversation!.conversationType === 'personal' && typeof a!.from?.id === 'string') fake.knowPersonalChat(conversationId, a!.from.id);
}

function cardsIn(node: unknown): unknown[] {
  if (Array.isArray(node)) return node.flatMap(cardsIn);
  if (!node || typeof node !== 'object') return [];
  const o = node as Record<string, unknown>;
  if (o.type === 'AdaptiveCard') return [o];
  return Object.values(o).flatMap(cardsIn);
}
