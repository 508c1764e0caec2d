import { createHmac } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** Slack's v0 request signature over the raw body (https://api.slack.com/authentication/verifying-requests-from-slack). */
export function sign(body: string, timestamp: number, secret = SIGNING_SECRET): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlashCommandInput {
  text: string;
  userId: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  teamId?: string;
  teamDomain?: string;
}

export function slashCommandBody(c: SlashCommandInput): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: c.teamId ?? 'T0PODESK01',
    team_domain: c.teamDomain ?? 'acme',
    channel_id: c.channelId ?? 'C0TEAMA001',
    channel_name: c.channelName ?? 'team-a',
    user_id: c.userId,
    user_name: c.userName ?? c.userId.toLowerCase(),
    command: '/po',
    text: c.text,
    api_app_id: 'A0PODESK01',
    is_enterprise_install: 'false',
    response_url: 'https://hooks.slack.com/commands/T0PODESK01/1/abc',
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
  }).toString();
}

export interface SignedRequestOptions {
  contentType: string;
  timestamp?: number;
  signature?: string;
  headers?: Record<string, string>;
}

/** POSTs a body to /slack/events, signed unless the test overrides the signature or timestamp. */
export async function postToSlackEndpoint(baseUrl: string, body: string, o: SignedRequestOptions) {
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
  const res = await fetch(`${baseUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': o.contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': o.signature ?? sign(body, timestamp),
      ...o.headers,
    },
    body,
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json: json as SlackReplyBody | undefined };
}

/** What po-desk answers in an ack: an ephemeral Block Kit message. */
export interface SlackReplyBody {
  response_type?: string;
  text?: string;
  blocks?: unknown[];
  [key: string]: unknown;
}
