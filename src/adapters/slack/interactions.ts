import type { RespondFn, ViewResponseAction, ViewSubmitAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { CommandContext, Deps } from '../../app/context.js';
import { openForm, reply, runAction, submitForm, type Shown } from '../../app/interactions.js';
import { message, section } from '../../messages/build.js';
import type { Form, Message } from '../../messages/model.js';
import { isRecord } from '../../messages/render-common.js';
import { readSlackFormValues, renderSlackInfoModal, renderSlackMessage, slackActionIdBase } from '../../messages/render-slack.js';
import type { Metrics } from '../../metrics.js';
import { UserError } from '../../user-error.js';
import { openSlackForm, readPrivateMetadata } from './open-slack-form.js';
import { errorText, replyForError } from '../../app/replies.js';
import { publishHome } from './app-home.js';
import type { SlackRoutes } from './slack-routes.js';

/**
 * Buttons and forms. A click is acked at once and answered through the message's response_url (a
 * private reply, or the message replaced in place) or by opening a modal; a form submission is answered
 * in its ack: field errors next to the inputs, or the modal turned into the confirmation.
 *
 * Slack signs these requests, but their fields are still only what the payload says: every one is read
 * defensively, and a payload missing what we need gets a friendly answer, never a crash.
 */
export function registerInteractions(routes: SlackRoutes, deps: Deps, log: Logger, metrics: Metrics): void {
  // Every block action, whatever its action id (runAction answers ids it does not know), and one without a
  // clicked element, answered here: nothing else would ack it (Slack would show an error after 3 seconds).
  routes.blockActions(async ({ body, ack, client, respond }) => {
    const started = performance.now();
    await ack(); // processBeforeResponse: Slack gets its 200 when this listener returns, so keep it short
    if (!isRecord(firstElement(body))) {
      await answer(respond, 'reply', message(section(UNKNOWN_CLICK)), log);
      return;
    }
    const ctx = actionContext(body);
    const action = firstAction(body);
    const reqLog = log.child({ team: ctx?.workspaceExternalId, user: ctx?.userId, action: action.actionId });
    let shown: Shown;
    try {
      if (!ctx) throw new UserError('payload_incomplete', INCOMPLETE);
      shown = await runAction(ctx, deps, slackActionIdBase(action.actionId), action.value);
    } catch (error) {
      shown = reply(replyForError(error, reqLog));
    }
    // A button on the App Home tab has no response_url: the tab is published again, and a reply opens as a modal.
    const onHome = stringField(field(body, 'view'), 'type') === 'home';
    if (shown.kind === 'form') {
      const failed = await openSlackForm(client, stringField(body, 'trigger_id'), shown.form, ctx?.channelId, reqLog);
      if (failed) await answer(respond, 'reply', failed, reqLog);
    } else if (onHome && ctx) {
      if (shown.kind === 'reply') {
        await client.views.open({ trigger_id: stringField(body, 'trigger_id') ?? '', view: renderSlackInfoModal('po-desk', shown.message) }).catch((error: unknown) => reqLog.error({ err: error }, 'slack: could not show the answer to a click on the App Home'));
      }
    } else {
      await answer(respond, shown.kind, shown.message, reqLog);
    }
    if (onHome && ctx) await publishHome(client, deps, ctx.workspaceExternalId, ctx.userId, reqLog);
    metrics.ackSeconds.observe({ platform: 'slack', kind: 'action' }, (performance.now() - started) / 1000);
  });

  // A message shortcut with a callback id po-desk has no route for: the Slack app's manifest is not this
  // po-desk's (older or newer). Unanswered, Slack would show the person an error after 3 seconds.
  routes.unknownMessageShortcut(async ({ shortcut, ack, respond }) => {
    await ack();
    log.warn({ callbackId: shortcut.callback_id }, 'slack: a message shortcut po-desk does not know; is the Slack app\'s manifest this po-desk\'s?');
    await answer(respond, 'reply', message(section(UNKNOWN_SHORTCUT)), log);
  });

  // Every form po-desk opens; submitForm answers callback ids it does not know.
  routes.viewSubmissions(async ({ body, ack }) => {
    const started = performance.now();
    const reqLog = log.child({ team: teamId(body), user: userId(body), form: stringField(body.view, 'callback_id') });
    let response: ViewResponseAction;
    try {
      response = await submission(body, deps, reqLog);
    } catch (error) {
      response = infoModal('po-desk', replyForError(error, reqLog)); // e.g. a confirmation that cannot be rendered
    }
    await ack(response);
    metrics.ackSeconds.observe({ platform: 'slack', kind: 'view' }, (performance.now() - started) / 1000);
  });
}

const UNKNOWN_SHORTCUT = 'Sorry, I do not know that shortcut, so I did nothing. Mine are “Ask the PO” and “Send to PO intake”. If the menu shows another one from me, the Slack app needs updating: please tell your Slack admin.';
const UNKNOWN_CLICK = 'Sorry, Slack did not tell me which button you clicked, so I did nothing. Please try again.';
const INCOMPLETE = 'Sorry, Slack did not tell me enough about that click (who, or in which workspace), so I did nothing. Please try again.';
const CHECK_INPUT = 'Please check what you entered.';
const OUTDATED_FORM = 'Sorry, that form arrived incomplete or comes from an older version of po-desk, so nothing was saved. Please open it again.';

/** The answer to a submitted form, sent as the ack (Slack allows 3 seconds). */
async function submission(body: ViewSubmitAction, deps: Deps, log: Logger): Promise<ViewResponseAction> {
  const view: unknown = body.view;
  const title = stringField(field(view, 'title'), 'text') ?? 'po-desk';
  const callbackId = stringField(view, 'callback_id') ?? '';
  const envelope = readPrivateMetadata(field(view, 'private_metadata'));
  const values = field(field(view, 'state'), 'values');
  const ctx = viewContext(body, envelope?.channelId);
  if (!ctx || !envelope || !isRecord(values)) return infoModal(title, message(section(OUTDATED_FORM)));

  // The form's definition (its inputs and their types) comes from the use case, not from the payload.
  let form: Form;
  try {
    form = await openForm(ctx, deps, callbackId);
  } catch (error) {
    return infoModal(title, replyForError(error, log));
  }
  try {
    const outcome = await submitForm(ctx, deps, callbackId, readSlackFormValues(form, values as Record<string, Record<string, unknown>>), envelope.metadata);
    if (outcome.kind === 'done') return infoModal(form.title, outcome.message);
    return fieldErrors(form, outcome.errors);
  } catch (error) {
    // Saving failed: keep the form and what the person typed, so pressing the button again retries.
    return fieldErrors(form, { '': errorText(error, log) });
  }
}

/**
 * `response_action: errors`, keyed by input block ids (renderSlackModal gives each input block its input's
 * id). An error for no known input (such as key '') goes on the first input.
 */
function fieldErrors(form: Form, errors: Record<string, string>): ViewResponseAction {
  const first = form.inputs[0]?.id;
  const texts = Object.values(errors);
  if (first === undefined) return infoModal(form.title, message(section(texts.join('\n') || CHECK_INPUT)));
  const known = new Set(form.inputs.map((input) => input.id));
  const out: Record<string, string> = {};
  for (const [id, text] of Object.entries(errors)) {
    const blockId = known.has(id) ? id : first;
    out[blockId] = out[blockId] ? `${out[blockId]} ${text}` : text;
  }
  return { response_action: 'errors', errors: texts.length > 0 ? out : { [first]: CHECK_INPUT } };
}

function infoModal(title: string, m: Message): ViewResponseAction {
  return { response_action: 'update', view: renderSlackInfoModal(title, m) };
}

/**
 * Answers through the response_url of the message that held the button: privately, or by replacing that
 * message in place (which works for ephemeral messages too). Logs when that is impossible.
 */
async function answer(respond: RespondFn | undefined, how: 'reply' | 'replace', m: Message, log: Logger): Promise<void> {
  if (!respond) {
    log.warn('slack: a click without response_url cannot be answered');
    return;
  }
  try {
    const rendered = renderSlackMessage(m);
    await respond(how === 'replace' ? { replace_original: true, ...rendered } : { response_type: 'ephemeral', replace_original: false, ...rendered });
  } catch (error) {
    log.error({ err: error }, 'slack: could not answer a click through its response_url');
  }
}

function actionContext(body: unknown): CommandContext | undefined {
  const user = userId(body);
  const team = teamId(body);
  if (!user || !team) return undefined;
  // A button in a message has its channel; one in a modal has none (and never needs it today).
  const channelId = stringField(field(body, 'channel'), 'id') ?? stringField(field(body, 'container'), 'channel_id') ?? '';
  return contextOf(team, stringField(field(body, 'team'), 'domain'), user, channelId);
}

function viewContext(body: unknown, channelId: string | undefined): CommandContext | undefined {
  const user = userId(body);
  const team = teamId(body);
  if (!user || !team) return undefined;
  return contextOf(team, stringField(field(body, 'team'), 'domain'), user, channelId ?? '');
}

function contextOf(team: string, domain: string | undefined, user: string, channelId: string): CommandContext {
  return { platform: 'slack', workspaceExternalId: team, workspaceName: domain, channelId, inDirectMessage: channelId.startsWith('D'), userId: user };
}

/** The clicked element: its action id (empty when missing, which runAction answers as unknown) and value. */
function firstAction(body: unknown): { actionId: string; value: string } {
  const first = firstElement(body);
  return { actionId: stringField(first, 'action_id') ?? '', value: stringField(first, 'value') ?? '' };
}

function firstElement(body: unknown): unknown {
  const actions = field(body, 'actions');
  return Array.isArray(actions) ? actions[0] : undefined;
}

/** The workspace: `team.id`, or `user.team_id` for org-wide installs where team is null. */
function teamId(body: unknown): string | undefined {
  return stringField(field(body, 'team'), 'id') ?? stringField(field(body, 'user'), 'team_id');
}

function userId(body: unknown): string | undefined {
  return stringField(field(body, 'user'), 'id');
}

function field(value: unknown, key: string): unknown {
  return isRecord(value) ? value[key] : undefined;
}

function stringField(value: unknown, key: string): string | undefined {
  const v = field(value, key);
  return typeof v === 'string' && v !== '' ? v : undefined;
}

