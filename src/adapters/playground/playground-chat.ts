import type { Logger } from 'pino';
import { mentionAnswer, postInConversation } from '../../app/post-in-conversation.js';
import type { CommandContext, Deps } from '../../app/context.js';
import { openForm, reply, runAction, submitForm, type Shown } from '../../app/interactions.js';
import { askQuestion } from '../../app/questions/ask-question.js';
import { threadReply } from '../../app/questions/respond.js';
import { errorText, NOT_SET_UP, replyForError } from '../../app/replies.js';
import { intakeFromMessage } from '../../app/intake/request-work.js';
import { screenMessage } from '../../app/intake/intercept.js';
import { answerCommand, MAX_COMMAND_TEXT } from '../../app/run-command.js';
import { splitCommand, takesFreeText } from '../../domain/command.js';
import { isMentionQuestion } from '../../domain/question.js';
import type { ProductState } from '../../domain/product.js';
import { code, message, section } from '../../messages/build.js';
import type { Button, Form, FormValues, Message } from '../../messages/model.js';
import { renderHtmlForm, renderHtmlMessage, type HtmlOptions } from '../../messages/render-html.js';
import type { Metrics } from '../../metrics.js';
import { PLAYGROUND_WORKSPACE, type PlaygroundChannelInfo, type PlaygroundPerson, type PlaygroundWorkspace } from '../../store/playground-workspace.js';
import { UserError } from '../../user-error.js';
import type { ClickResult, FormView, SayResult, ShortcutResult, SubmitResult } from './api-types.js';
import type { LiveFeed } from './live-feed.js';
import {
  mentionsPoDesk, messageText, parsePlaygroundMentions, readablePlaygroundText, typedTextToRich, withoutPoDeskMention,
} from './playground-text.js';

/** The playground's workspace name, which becomes the demo product's name. */
export const PLAYGROUND_WORKSPACE_NAME = 'Acme Shop';

/** The message shortcuts of the playground's message menu (Slack: the manifest's message shortcuts). */
export const MESSAGE_SHORTCUTS = [
  { callbackId: 'ask_po', label: 'Ask the PO' },
  { callbackId: 'send_to_intake', label: 'Send to PO intake' },
] as const;


/** A request the playground refuses before anything runs (HTTP 4xx, nothing changed). */
export class PlaygroundRefusal extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

export interface PlaygroundChatDeps {
  workspace: PlaygroundWorkspace;
  /** The use cases' dependencies, with the playground's directory. */
  deps: Deps;
  feed: LiveFeed;
  metrics: Metrics;
  log: Logger;
}

/**
 * What a person does in the playground — type, click, submit a form — mapped onto the same use cases
 * Slack and Teams call. Answers to commands and clicks are stored at once (as Slack shows a command's
 * reply in its ack); everything a use case sends on goes through the outbox and the playground sender.
 */
export function playgroundChat(o: PlaygroundChatDeps) {
  const { workspace, deps, feed } = o;

  async function where(asId: string, channelId: string): Promise<{ person: PlaygroundPerson; channel: PlaygroundChannelInfo; ctx: CommandContext }> {
    const person = await workspace.person(asId);
    if (!person) throw new PlaygroundRefusal(400, `There is no one called ${JSON.stringify(asId)} in the playground.`);
    const channel = await workspace.channel(channelId);
    if (!channel) throw new PlaygroundRefusal(404, 'That channel does not exist (any more): reload the page.');
    if (channel.kind === 'dm' && channel.dmUserId !== person.id) throw new PlaygroundRefusal(403, 'That is someone else’s conversation with po-desk.');
    const ctx: CommandContext = {
      platform: 'playground',
      workspaceExternalId: PLAYGROUND_WORKSPACE,
      workspaceName: PLAYGROUND_WORKSPACE_NAME,
      channelId: channel.id,
      inDirectMessage: channel.kind === 'dm',
      userId: person.id,
    };
    return { person, channel, ctx };
  }

  async function htmlOptions(viewer: PlaygroundPerson): Promise<HtmlOptions> {
    const [people, channels] = await Promise.all([workspace.people(), workspace.channels()]);
    const names = new Map(people.map((p) => [p.id, p.displayName]));
    const channelNames = new Map(channels.filter((c) => c.kind === 'channel').map((c) => [c.id, c.name]));
    return { names: { user: (id) => names.get(id), channel: (id) => channelNames.get(id) }, timeZone: viewer.timeZone };
  }

  async function formView(form: Form): Promise<FormView> {
    const people = await workspace.people();
    return {
      callbackId: form.callbackId,
      title: form.title,
      submitLabel: form.submitLabel,
      metadata: form.metadata ?? null,
      // The person picker names each person with their role, so the right customer or stakeholder is easy to find.
      html: renderHtmlForm(form, { people: people.map((p) => ({ id: p.id, name: `${p.displayName} — ${p.role}` })) }),
    };
  }

  /** A private answer, shown only to `to`, below the message or command that caused it. */
  async function privateReply(to: PlaygroundPerson, channelId: string, m: Message, extra: { threadId?: string; command?: string }): Promise<void> {
    await workspace.addMessage({ channelId, visibleTo: to.id, message: m, at: deps.clock.now(), ...extra });
    feed.publish({ type: 'change', channelId, visibleTo: to.id });
  }

  /**
   * An @po-desk mention: ending in "?" it is a question for the PO (the asker is answered privately),
   * otherwise po-desk points to `/po help` in the mention's thread — as on Slack.
   */
  async function mentioned(person: PlaygroundPerson, ctx: CommandContext, posted: { id: string; threadId: string | null }, text: string): Promise<void> {
    if (!isMentionQuestion(text)) {
      const thread = { platform: 'playground', workspaceExternalId: PLAYGROUND_WORKSPACE, channelId: ctx.channelId, threadId: posted.threadId ?? posted.id } as const;
      await postInConversation(deps.store, thread, mentionAnswer());
      return;
    }
    let answer: Message;
    try {
      answer = await askQuestion(ctx, deps, text.replace(/\s+/g, ' ').trim(), 'mention');
    } catch (error) {
      answer = replyForError(error, o.log);
    }
    await privateReply(person, ctx.channelId, answer, { threadId: posted.threadId ?? undefined });
  }

  async function command(text: string, person: PlaygroundPerson, ctx: CommandContext, threadId: string | undefined): Promise<SayResult> {
    const [name] = text.slice(1).split(/\s+/);
    let answered: { shown: Shown; sub: string; outcome: string };
    if (name !== 'po') {
      const shown = reply(message(section(`There is no command /${name ?? ''} here: po-desk’s command is `, code('/po'), '. Try ', code('/po help'), '.')));
      answered = { shown, sub: '', outcome: 'refused' };
    } else {
      answered = await answerCommand(ctx, deps, text, async () => {
        const { sub, args } = splitCommand(text.slice(3));
        // Linking joins workspaces and accounts of real people; the playground's people are anyone with the page.
        if (sub === 'link') throw new UserError('link_not_here', '`/po link` connects real Slack and Teams workspaces. The playground’s people are a demo, so it is not available here.');
        const people = await workspace.people();
        const { userIds, rest, unknown } = parsePlaygroundMentions(args, people);
        // Free text (a question, an away note) keeps its mentions as names, as Slack's command does.
        const freeText = takesFreeText(sub) ? readablePlaygroundText(args, people) : undefined;
        if (unknown.length > 0 && freeText === undefined) {
          throw new UserError('unknown_mention', `I don’t know ${unknown.join(', ')}. The people here are ${people.map((p) => `@${p.handle}`).join(', ')}.`);
        }
        return { sub, rest, userIds, text: freeText };
      }, o.log);
    }
    const { shown, sub, outcome } = answered;
    o.metrics.commands.inc({ platform: 'playground', sub: sub || 'help', outcome });
    if (shown.kind === 'form') return { kind: 'form', form: await formView(shown.form) };
    await privateReply(person, ctx.channelId, shown.message, { threadId, command: text });
    return { kind: 'reply' };
  }

  return {
    htmlOptions,

    /** The demo product as the use cases see it (undefined before the first command created it). */
    async productState(): Promise<ProductState | undefined> {
      return deps.store.transaction(async (tx) => {
        const w = await tx.workspace('playground', PLAYGROUND_WORKSPACE, PLAYGROUND_WORKSPACE_NAME);
        return w.productId === undefined ? undefined : tx.productState(w.productId);
      });
    },

    /** Someone typed in the composer: a `/command`, or a message for the channel. */
    async say(asId: string, channelId: string, rawText: string, threadId?: string): Promise<SayResult> {
      const { person, ctx } = await where(asId, channelId);
      const text = rawText.trim();
      if (text === '') throw new PlaygroundRefusal(400, 'There is nothing to send: write a message or a command first.');
      if (text.length > MAX_COMMAND_TEXT) throw new PlaygroundRefusal(400, `That is too long to send (${text.length} characters; at most ${MAX_COMMAND_TEXT}).`);
      if (threadId !== undefined) {
        const parent = await workspace.message(threadId);
        if (!parent || parent.channelId !== channelId) throw new PlaygroundRefusal(404, 'The thread you are replying to is gone: reload the page.');
        if (parent.visibleTo !== null) throw new PlaygroundRefusal(400, 'Only a message everyone in the channel sees can have a thread.');
      }
      if (text.startsWith('/')) return command(text, person, ctx, threadId);

      const people = await workspace.people();
      const posted = await workspace.addMessage({
        channelId,
        threadId,
        authorId: person.id,
        message: message({ type: 'section', text: typedTextToRich(text, people) }),
        at: deps.clock.now(),
      });
      feed.publish({ type: 'change', channelId, visibleTo: null });
      const readable = readablePlaygroundText(text, people);
      // A reply in a thread: in a question's thread, the PO's (or the person asked's) reply answers it.
      if (posted.threadId !== null) {
        try {
          await threadReply(ctx, deps, { messageId: posted.threadId }, readable);
        } catch (error) {
          await privateReply(person, channelId, replyForError(error, o.log), { threadId: posted.threadId });
        }
      }
      if (mentionsPoDesk(text)) await mentioned(person, ctx, posted, withoutPoDeskMention(readable));
      else if (ctx.inDirectMessage === false) {
        // Screened as Slack and Teams screen channel messages: a work request from outside the team is caught.
        try {
          await screenMessage(ctx, deps, { text: readable, messageId: posted.id, threadId: posted.threadId ?? posted.id });
        } catch (error) {
          o.log.error({ err: error, channel: channelId }, 'playground: could not screen a message for work requests');
        }
      }
      return { kind: 'posted', messageId: posted.id };
    },

    /** Someone used a message shortcut from a message's menu ("Ask the PO", "Send to PO intake"). */
    async shortcut(asId: string, channelId: string, messageId: string, callbackId: string): Promise<ShortcutResult> {
      const { person, ctx } = await where(asId, channelId);
      const target = await workspace.message(messageId);
      if (!target || target.channelId !== channelId || (target.visibleTo !== null && target.visibleTo !== person.id)) {
        throw new PlaygroundRefusal(404, 'That message is gone: reload the page.');
      }
      if (target.visibleTo !== null) throw new PlaygroundRefusal(400, 'Only a message everyone in the channel sees has a message menu.');
      if (!MESSAGE_SHORTCUTS.some((s) => s.callbackId === callbackId)) throw new PlaygroundRefusal(400, 'There is no such shortcut.');
      let answer: Message;
      try {
        const { names } = await htmlOptions(person);
        const text = messageText(target.message, names);
        answer = callbackId === 'ask_po'
          ? await askQuestion(ctx, deps, text, 'shortcut')
          : (await intakeFromMessage(ctx, deps, { text, authorId: target.authorId ?? undefined, messageId: target.id, threadId: target.threadId ?? target.id, link: undefined }, 'shortcut')) ?? NOT_SET_UP;
      } catch (error) {
        answer = replyForError(error, o.log);
      }
      await privateReply(person, channelId, answer, { threadId: target.threadId ?? undefined });
      return { kind: 'reply' };
    },

    /** Someone clicked a button in a message. */
    async click(asId: string, channelId: string, messageId: string, actionId: string, value: string): Promise<ClickResult> {
      const { person, ctx } = await where(asId, channelId);
      const target = await workspace.message(messageId);
      if (!target || target.channelId !== channelId || (target.visibleTo !== null && target.visibleTo !== person.id)) {
        throw new PlaygroundRefusal(404, 'That message is gone: reload the page.');
      }
      // As on Slack, a click can only be one of the message's own buttons.
      if (!buttonsOf(target.message).some((b) => b.actionId === actionId && b.value === value)) {
        throw new PlaygroundRefusal(400, 'That message has no such button.');
      }
      let shown: Shown;
      try {
        shown = await runAction(ctx, deps, actionId, value);
      } catch (error) {
        shown = reply(replyForError(error, o.log));
      }
      switch (shown.kind) {
        case 'form':
          return { kind: 'form', form: await formView(shown.form) };
        case 'replace':
          await workspace.editMessage(target.id, shown.message, deps.clock.now());
          feed.publish({ type: 'change', channelId, visibleTo: target.visibleTo });
          return { kind: 'replace' };
        case 'reply':
          await privateReply(person, channelId, shown.message, { threadId: target.threadId ?? undefined });
          return { kind: 'reply' };
      }
    },

    /** Someone submitted a form: field errors keep it open, or the confirmation replaces it. */
    async submit(asId: string, channelId: string, callbackId: string, metadata: string | null, raw: Record<string, string>): Promise<SubmitResult> {
      const { person, ctx } = await where(asId, channelId);
      // The form's inputs and their types come from the use case, not from what the page sent.
      let form: Form;
      try {
        form = await openForm(ctx, deps, callbackId);
      } catch (error) {
        return { kind: 'invalid', errors: { '': errorText(error, o.log) } };
      }
      const values: FormValues = {};
      for (const input of form.inputs) {
        const v = raw[input.id];
        values[input.id] = typeof v === 'string' && v.trim() !== '' ? v : null;
      }
      try {
        const outcome = await submitForm(ctx, deps, callbackId, values, metadata ?? undefined);
        if (outcome.kind === 'invalid') return outcome;
        return { kind: 'done', html: renderHtmlMessage(outcome.message, await htmlOptions(person)) };
      } catch (error) {
        return { kind: 'invalid', errors: { '': errorText(error, o.log) } };
      }
    },
  };
}

export type PlaygroundChat = ReturnType<typeof playgroundChat>;

function buttonsOf(m: Message): Button[] {
  return m.blocks.flatMap((b) => (b.type === 'actions' ? b.buttons : []));
}
