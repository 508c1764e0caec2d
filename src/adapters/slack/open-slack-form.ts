import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import { formNotShown } from '../../app/replies.js';
import type { Form, Message } from '../../messages/model.js';
import { renderSlackModal, SlackRenderError } from '../../messages/render-slack.js';

/**
 * What po-desk keeps in a modal's private_metadata: the form's own metadata (`m`, passed back to the use
 * case untouched) and the channel it was opened from (`c`), because a view_submission names no channel.
 */
interface Envelope {
  m?: string;
  c?: string;
}

/**
 * Opens `form` as a modal with `views.open`. Slack's trigger_id is valid for 3 seconds, so call this
 * right away. Returns undefined once the modal is open, or the private reply that says it could not open.
 */
export async function openSlackForm(
  client: WebClient,
  triggerId: string | undefined,
  form: Form,
  channelId: string | undefined,
  log: Logger,
): Promise<Message | undefined> {
  const envelope: Envelope = { ...(form.metadata !== undefined ? { m: form.metadata } : {}), ...(channelId ? { c: channelId } : {}) };
  let reason = 'Slack did not send what I need to open one';
  if (triggerId) {
    try {
      // Rendered with the envelope as its metadata, so the 3000-char limit applies to what Slack stores.
      await client.views.open({ trigger_id: triggerId, view: renderSlackModal({ ...form, metadata: JSON.stringify(envelope) }) });
      return undefined;
    } catch (error) {
      const slackCode = (error as { data?: { error?: string } }).data?.error;
      if (error instanceof SlackRenderError) log.error({ err: error, form: form.callbackId }, 'slack: form cannot be rendered');
      else log.warn({ err: error, form: form.callbackId, slackError: slackCode }, 'slack: views.open failed');
      reason =
        error instanceof SlackRenderError
          ? 'it cannot be shown with what it holds (a fault on my side, which I have logged)'
          : slackCode === 'expired_trigger_id'
            ? 'Slack lets me open a form only within 3 seconds of your click, and I was too slow'
            : 'Slack did not accept it';
    }
  } else {
    log.warn({ form: form.callbackId }, 'slack: no trigger_id to open a form with');
  }
  return formNotShown(form, reason);
}

/**
 * Reads back what `openSlackForm` put into private_metadata. An empty one (a modal without state)
 * reads as nothing; anything that is not our envelope is undefined, so the caller can refuse it.
 */
export function readPrivateMetadata(raw: unknown): { metadata: string | undefined; channelId: string | undefined } | undefined {
  if (raw === undefined || raw === '') return { metadata: undefined, channelId: undefined };
  if (typeof raw !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (_notJson) {
    return undefined; // not ours: the caller answers that the form is outdated
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { m, c } = parsed as Record<string, unknown>;
  if ((m !== undefined && typeof m !== 'string') || (c !== undefined && typeof c !== 'string')) return undefined;
  return { metadata: m, channelId: c };
}
