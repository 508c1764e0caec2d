/**
 * A small client for the Bot Connector REST API (v3), the part po-desk uses: send, reply in a thread,
 * update, create a 1:1 conversation, read members. botbuilder's ConnectorClient retries 429s and 5xx
 * inside its HTTP pipeline, which would hold an outbox claim for minutes and hide Retry-After from
 * the dispatcher; this client makes exactly one request and reports the outcome.
 */

export interface ConnectorActivity {
  type: 'message';
  id?: string;
  replyToId?: string;
  summary?: string;
  text?: string;
  attachments?: { contentType: string; content: unknown }[];
  [key: string]: unknown;
}

export interface TeamsMember {
  id: string;
  name: string;
  aadObjectId?: string;
  email?: string;
  userPrincipalName?: string;
  tenantId?: string;
  userRole?: string;
}

export interface NewConversation {
  bot: { id: string };
  members: { id: string }[];
  tenantId: string;
  isGroup: false;
  channelData: { tenant: { id: string } };
}

/** A failed Bot Connector call: the HTTP status and, for 429, how long the service asked us to wait. */
export class ConnectorError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | undefined,
    readonly body: string,
  ) {
    super(`Bot Connector answered ${status}${body ? `: ${body.slice(0, 200)}` : ''}`);
  }
  readonly code = 'TEAMS_CONNECTOR_ERROR';
}

/** Returns the bearer token for calls to the Bot Connector, or undefined when authentication is off. */
export type ConnectorToken = () => Promise<string | undefined>;

export class BotConnector {
  constructor(
    private readonly token: ConnectorToken,
    private readonly timeoutMs = 10_000,
  ) {}

  async sendToConversation(serviceUrl: string, conversationId: string, activity: ConnectorActivity): Promise<{ id: string | undefined }> {
    return this.call('POST', serviceUrl, `v3/conversations/${enc(conversationId)}/activities`, addressed(activity, serviceUrl, conversationId)) as Promise<{
      id: string | undefined;
    }>;
  }

  async replyToActivity(serviceUrl: string, conversationId: string, activityId: string, activity: ConnectorActivity): Promise<{ id: string | undefined }> {
    return this.call('POST', serviceUrl, `v3/conversations/${enc(conversationId)}/activities/${enc(activityId)}`, {
      ...addressed(activity, serviceUrl, conversationId),
      replyToId: activityId,
    }) as Promise<{
      id: string | undefined;
    }>;
  }

  async updateActivity(serviceUrl: string, conversationId: string, activityId: string, activity: ConnectorActivity): Promise<void> {
    await this.call('PUT', serviceUrl, `v3/conversations/${enc(conversationId)}/activities/${enc(activityId)}`, {
      ...addressed(activity, serviceUrl, conversationId),
      id: activityId,
    });
  }

  async createConversation(serviceUrl: string, params: NewConversation): Promise<{ id: string }> {
    const created = (await this.call('POST', serviceUrl, 'v3/conversations', params)) as { id?: string };
    if (!created.id) throw new ConnectorError(502, undefined, 'createConversation returned no conversation id');
    return { id: created.id };
  }

  /** One member of a conversation or team, by Teams user id, AAD object id or UPN; undefined when not a member. */
  async getMember(serviceUrl: string, conversationId: string, userId: string): Promise<TeamsMember | undefined> {
    try {
      return (await this.call('GET', serviceUrl, `v3/conversations/${enc(conversationId)}/members/${enc(userId)}`)) as TeamsMember;
    } catch (error) {
      if (error instanceof ConnectorError && (error.status === 404 || error.status === 400)) return undefined;
      throw error;
    }
  }

  /** Every member of a conversation or team, following continuation tokens. */
  async getAllMembers(serviceUrl: string, conversationId: string): Promise<TeamsMember[]> {
    const members: TeamsMember[] = [];
    let continuationToken: string | undefined;
    do {
      const query = new URLSearchParams({ pageSize: '500', ...(continuationToken ? { continuationToken } : {}) });
      const page = (await this.call('GET', serviceUrl, `v3/conversations/${enc(conversationId)}/pagedmembers?${query}`)) as {
        members?: TeamsMember[];
        continuationToken?: string;
      };
      members.push(...(page.members ?? []));
      continuationToken = page.continuationToken || undefined;
    } while (continuationToken);
    return members;
  }

  private async call(method: string, serviceUrl: string, path: string, body?: unknown): Promise<unknown> {
    const base = serviceUrl.endsWith('/') ? serviceUrl : `${serviceUrl}/`;
    const token = await this.token();
    const response = await fetch(new URL(path, base), {
      method,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) throw new ConnectorError(response.status, retryAfterMs(response.headers.get('retry-after')), text);
    return text ? (JSON.parse(text) as unknown) : {};
  }
}

const enc = encodeURIComponent;

/** Activities carry their own address, as botbuilder's sendActivity fills it in from the conversation reference. */
function addressed(activity: ConnectorActivity, serviceUrl: string, conversationId: string): ConnectorActivity {
  return { ...activity, channelId: 'msteams', serviceUrl, conversation: { id: conversationId } };
}

/** Retry-After is seconds or an HTTP date. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
