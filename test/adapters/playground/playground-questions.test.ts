/**
 * Questions to the PO in the playground, through its JSON API as the page calls it: `/po ask`, an
 * @po-desk mention ending in "?", the message menu's "Ask the PO", the PO's DM with its buttons and
 * forms (the person picker of "Ask a customer" included), answers in the question's thread, and
 * "Mark resolved" / "Reopen" on the anchor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FormView } from '../../../src/adapters/playground/api-types.js';
import { readable, startPlaygroundApp, type PlaygroundClient, type PlaygroundMessage } from '../../support/playground-client.js';
import type { StartedApp } from '../../support/test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';
import { PRIYA, ALEX, BEA, SAM, ROCKET, STAKEHOLDERS, dm } from '../../support/playground-cast.js';


/** The value of the button with this action id in a message, as the page would post it back. */
function buttonValue(m: PlaygroundMessage, actionId: string): string {
  const value = new RegExp(`data-action-id="${actionId.replace('.', '\\.')}" data-value="([^"]+)"`).exec(m.html)?.[1];
  if (value === undefined) throw new Error(`no ${actionId} button in: ${m.text}`);
  return value;
}

/** Whether a message came after the one with this id (ids grow). */
const after = (id: string) => (m: PlaygroundMessage) => BigInt(m.id) > BigInt(id);

const buttonLabels = (m: PlaygroundMessage) => [...m.html.matchAll(/<button [^>]*>([^<]*)<\/button>/g)].map((b) => b[1]);

describe.each(testDatabaseKinds())('questions to the PO in the playground (%s)', (kind) => {
  let started: StartedApp;
  let api: PlaygroundClient;
  const db = () => started.app.db.prisma;

  beforeAll(async () => {
    ({ api, ...started } = await startPlaygroundApp(kind));
  });
  afterAll(async () => {
    await started?.stop();
  });

  /** Clicks a button of a message, as the page does. */
  const click = (as: string, channelId: string, m: PlaygroundMessage, actionId: string) =>
    api.post<{ kind: string; form?: FormView; error?: string }>('/action', { as, channelId, messageId: m.id, actionId, value: buttonValue(m, actionId) });
  const submit = (as: string, channelId: string, form: FormView, values: Record<string, string>) =>
    api.post<{ kind: string; html?: string; errors?: Record<string, string> }>('/form', { as, channelId, callbackId: form.callbackId, metadata: form.metadata, values });
  /** The anchor of the question with this text in #rocket, once the outbox delivered it (and it matches). */
  const anchor = (text: string, also: (m: PlaygroundMessage) => boolean = () => true) =>
    api.waitForMessage(ALEX, ROCKET, (m) => m.author === null && m.threadId === null && m.text.startsWith('Question for the PO') && m.text.includes(text) && also(m));
  /** Priya's copy of the question with this text in her DM with po-desk. */
  const poCopy = (text: string, also: (m: PlaygroundMessage) => boolean = () => true) =>
    api.waitForMessage(PRIYA, dm(PRIYA), (m) => m.text.includes(' asks ') && m.text.includes(text) && also(m));
  /** The private reply to the newest command typed like this (po-desk's other messages may arrive meanwhile). */
  const replyTo = async (as: string, channelId: string, command: string) => (await api.messages(as, channelId)).filter((m) => m.command === command).at(-1)!;
  const question = (text: string) => db().question.findFirstOrThrow({ where: { text } });

  describe('the seeded demo', () => {
    it('has a little question history, so /po stats and /po questions show something', async () => {
      await api.say(PRIYA, ROCKET, '/po stats');
      const stats = await replyTo(PRIYA, ROCKET, '/po stats');
      expect(stats.text).toContain('PO response times — last 4 weeks');
      expect(stats.text).toContain('3 asked · 3 responded · 0 waiting');
      expect(stats.text).toContain('Handed to a customer or stakeholder: 33 % of 3 responses');

      // One of them is answered but still open; the resolved ones are not listed.
      await api.say(ALEX, ROCKET, '/po questions');
      const open = await replyTo(ALEX, ROCKET, '/po questions');
      expect(open.text).toContain('Open questions (team Rocket), oldest first: 1');
      expect(open.text).toContain('Can we drop PayPal Express from the cart page');
      expect(open.text).toContain('answered, not yet resolved · first response after 35 min of working time');

      const resolved = await anchor('Should guest checkout ask for a phone number?');
      expect(resolved.text).toContain('☑️ Resolved by @Bea Santos');
      expect(buttonLabels(resolved)).toEqual(['Reopen']);
      const thread = (await api.messages(ALEX, ROCKET)).filter((m) => m.threadId === resolved.id);
      expect(thread.map((m) => m.text)).toEqual([expect.stringContaining('@Bea Santos, an answer from @Priya Patel: Only when the order ships by courier')]);
    });
  });

  describe('asking with /po ask', () => {
    it('posts the question in the team channel, tells the asker privately, and sends it to the PO with buttons', async () => {
      const text = 'Does @bea’s coupon field go above or below the total, @nobody?';
      expect(await api.say(ALEX, ROCKET, `/po ask ${text}`)).toEqual({ status: 200, json: { kind: 'reply' } });
      // Mentions stay readable as names; an unknown handle stays as typed (it is a question, not a command argument).
      const asked = 'Does @Bea Santos’s coupon field go above or below the total, @nobody?';
      const reply = await api.waitForMessage(ALEX, ROCKET, (m) => m.command === `/po ask ${text}`);
      expect(reply.ephemeral).toBe(true);
      expect(reply.text).toMatch(/^Sent to @Priya Patel \(the Product Owner\) as Q\d+; it is posted in the channel so the team sees the answer\./);

      const posted = await anchor(asked);
      expect(posted.text).toContain('from @Alex Kim');
      expect(posted.text).toContain('⏳ Waiting for @Priya Patel');
      expect(buttonLabels(posted)).toEqual(['Mark resolved']);
      // Everyone in the channel sees the anchor.
      expect((await api.messages(BEA, ROCKET)).some((m) => m.id === posted.id)).toBe(true);

      const copy = await poCopy(asked);
      expect(copy.author).toBeNull();
      expect(buttonLabels(copy)).toEqual(['Answer', 'I’m on it', 'Ask a customer']);
      // "open the question" links to the anchor within the page.
      expect(copy.html).toContain(`<a href="#c=${ROCKET}&amp;m=${posted.id}" class="po-message-link">open the question</a>`);
      expect((await question(asked)).source).toBe('command');
    });

    it('answers from the PO’s DM: the form, then the answer in the question’s thread and the anchor updated', async () => {
      const asked = 'Is the new shipping page behind a feature flag?';
      await api.say(ALEX, ROCKET, `/po ask ${asked}`);
      const posted = await anchor(asked);
      const copy = await poCopy(asked);

      const opened = await click(PRIYA, dm(PRIYA), copy, 'question.answer');
      expect(opened.json.kind).toBe('form');
      const form = opened.json.form!;
      expect(form).toMatchObject({ callbackId: 'question.answer', title: 'Answer the question', submitLabel: 'Post answer' });
      expect(readable(form.html)).toContain(`Your answer`);
      expect(readable(form.html)).toMatch(new RegExp(`Q\\d+: ${asked.replace('?', '\\?')}`));

      expect((await submit(PRIYA, dm(PRIYA), form, { answer: '  ' })).json).toEqual({ kind: 'invalid', errors: { answer: 'An answer needs some text.' } });
      const done = await submit(PRIYA, dm(PRIYA), form, { answer: 'Yes: `shipping-v2`, on for the team only.' });
      expect(done.json.kind).toBe('done');
      expect(readable(done.json.html!)).toContain('is posted in the question’s thread in team Rocket’s channel, where @Alex Kim is told.');

      const answer = await api.waitForMessage(ALEX, ROCKET, (m) => m.threadId === posted.id && m.text.includes('an answer from'));
      expect(answer.author).toBeNull();
      expect(answer.text).toContain('@Alex Kim, an answer from @Priya Patel: Yes: `shipping-v2`, on for the team only.');
      await anchor(asked, (m) => m.id === posted.id && m.text.includes('✅ Answered by @Priya Patel — see the thread'));
      const updated = await poCopy(asked, (m) => m.id === copy.id && m.text.includes('✅ Answered'));
      expect(buttonLabels(updated)).toEqual(['Answer again']);
      const q = await question(asked);
      expect(q.firstResponseKind).toBe('answer');
      expect(q.answerText).toBe('Yes: `shipping-v2`, on for the team only.');
    });

    it('takes the PO’s reply typed in the question’s thread as the answer; a teammate’s reply is just a reply', async () => {
      const asked = 'May we rename the "Buy now" button?';
      await api.say(ALEX, ROCKET, `/po ask ${asked}`);
      const posted = await anchor(asked);

      await api.say(BEA, ROCKET, 'I would like that too', posted.id);
      expect((await question(asked)).firstResponseAt).toBeNull();

      const replied = await api.say(PRIYA, ROCKET, 'Yes, to "Pay now", @bea can pick the colour', posted.id);
      expect(replied.json.kind).toBe('posted');
      const q = await question(asked);
      expect(q.firstResponseKind).toBe('thread-reply');
      expect(q.answerText).toBe('Yes, to "Pay now", @Bea Santos can pick the colour');
      await anchor(asked, (m) => m.id === posted.id && m.text.includes('✅ Answered by @Priya Patel'));
      // A reply to a reply is in the same thread, as on Slack: it counts as the thread's too.
      expect((await api.messages(ALEX, ROCKET)).find((m) => m.id === replied.json.messageId)?.threadId).toBe(posted.id);
    });
  });

  describe('asking with an @po-desk mention', () => {
    it('asks the PO when the mention ends in "?", answering the asker privately', async () => {
      const res = await api.say(ALEX, ROCKET, '@po-desk are refunds for @sam’s accounts in scope this sprint?');
      expect(res.json.kind).toBe('posted');
      const reply = await api.waitForMessage(ALEX, ROCKET, (m) => after(res.json.messageId as string)(m) && m.ephemeral);
      expect(reply.text).toMatch(/^Sent to @Priya Patel \(the Product Owner\) as Q\d+/);
      expect(reply.command).toBeNull();
      expect((await api.messages(SAM, ROCKET)).some((m) => m.id === reply.id)).toBe(false);
      const posted = await anchor('are refunds for @Sam Rivera’s accounts in scope this sprint?');
      expect(posted.text).not.toContain('@po-desk');
      expect((await question('are refunds for @Sam Rivera’s accounts in scope this sprint?')).source).toBe('mention');
      // Not also the pointer to /po help.
      expect((await api.messages(ALEX, ROCKET)).filter((m) => m.threadId === res.json.messageId)).toEqual([]);
    });

    it('says why not in a channel that is not a team’s', async () => {
      const before = await db().question.count();
      await api.say(SAM, STAKEHOLDERS, '@po-desk when is the next review?');
      const reply = await api.waitForMessage(SAM, STAKEHOLDERS, (m) => m.ephemeral && m.text.includes('Questions to the PO are asked in a team’s channel'));
      expect(reply.text).toContain('This channel is not a team yet');
      expect(await db().question.count()).toBe(before);
    });
  });

  describe('asking with the message menu’s “Ask the PO”', () => {
    it('offers the shortcut, and asks with the message’s text as whoever used it', async () => {
      expect((await api.get<{ shortcuts: unknown }>(`/workspace?as=${ALEX}`)).json.shortcuts).toEqual([{ callbackId: 'ask_po', label: 'Ask the PO' }, { callbackId: 'send_to_intake', label: 'Send to PO intake' }]);
      const said = await api.say(SAM, ROCKET, 'Could the team squeeze in PayPal before Black Friday, @bea?');
      const messageId = said.json.messageId as string;
      const res = await api.post('/shortcut', { as: ALEX, channelId: ROCKET, messageId, callbackId: 'ask_po' });
      expect(res).toEqual({ status: 200, json: { kind: 'reply' } });
      // The private reply is stored at once, below the message (the anchor comes through the outbox).
      const reply = await api.waitForMessage(ALEX, ROCKET, (m) => after(messageId)(m) && m.ephemeral);
      expect(reply.text).toMatch(/^Sent to @Priya Patel \(the Product Owner\) as Q\d+/);

      const asked = 'Could the team squeeze in PayPal before Black Friday, @Bea Santos?';
      const posted = await anchor(asked);
      expect(posted.text).toContain('from @Alex Kim');
      expect((await question(asked)).source).toBe('shortcut');
    });

    it('refuses private messages, other channels’ messages and unknown shortcuts; outside a team it says why', async () => {
      await api.say(ALEX, ROCKET, '/po help');
      const own = await replyTo(ALEX, ROCKET, '/po help');
      const ask = (as: string, channelId: string, messageId: string, callbackId = 'ask_po') => api.post('/shortcut', { as, channelId, messageId, callbackId });
      expect(await ask(ALEX, ROCKET, own.id)).toEqual({ status: 400, json: { error: 'Only a message everyone in the channel sees has a message menu.' } });
      expect(await ask(SAM, ROCKET, own.id)).toEqual({ status: 404, json: { error: 'That message is gone: reload the page.' } });
      const said = await api.say(SAM, STAKEHOLDERS, 'Who owns the newsletter?');
      const id = said.json.messageId as string;
      expect(await ask(SAM, ROCKET, id)).toEqual({ status: 404, json: { error: 'That message is gone: reload the page.' } });
      expect(await ask(SAM, STAKEHOLDERS, id, 'summarise')).toEqual({ status: 400, json: { error: 'There is no such shortcut.' } });
      expect((await ask(SAM, STAKEHOLDERS, id)).status).toBe(200);
      expect((await api.waitForMessage(SAM, STAKEHOLDERS, (m) => after(id)(m) && m.ephemeral)).text).toContain('This channel is not a team yet');
    });
  });

  describe('handing a question to a customer', () => {
    it('picks the person in the form; they answer into the thread from their DM', async () => {
      const asked = 'Do wholesale customers see VAT in the cart?';
      await api.say(ALEX, ROCKET, `/po ask ${asked}`);
      const posted = await anchor(asked);
      const copy = await poCopy(asked);

      const opened = await click(PRIYA, dm(PRIYA), copy, 'question.handoff');
      const form = opened.json.form!;
      expect(form).toMatchObject({ callbackId: 'question.handoff', title: 'Ask a customer', submitLabel: 'Ask them' });
      // The person picker: everyone in the playground, named with their role, one to choose.
      const options = [...form.html.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((o) => [o[1], o[2]]);
      expect(options[0]).toEqual(['', 'Choose…']);
      expect(options).toContainEqual([SAM, 'Sam Rivera — Stakeholder · Sales']);
      expect(options).toHaveLength(9);
      expect(form.html).toMatch(/<select id="po-input-person" name="person" required/);

      expect((await submit(PRIYA, dm(PRIYA), form, { person: '', note: '' })).json).toEqual({ kind: 'invalid', errors: { person: 'Pick the person who knows the answer.' } });
      expect((await submit(PRIYA, dm(PRIYA), form, { person: ALEX })).json).toEqual({ kind: 'invalid', errors: { person: 'That is who asked: pick the person who knows the answer.' } });
      const done = await submit(PRIYA, dm(PRIYA), form, { person: SAM, note: 'Sam sells to them every week.' });
      expect(readable(done.json.html!)).toContain('I sent @Sam Rivera');

      await api.waitForMessage(ALEX, ROCKET, (m) => m.threadId === posted.id && m.text.includes('asked @Sam Rivera to answer this directly'));
      await anchor(asked, (m) => m.id === posted.id && m.text.includes('🤝 @Priya Patel asked @Sam Rivera to answer'));
      const toSam = await api.waitForMessage(SAM, dm(SAM), (m) => m.text.includes(asked));
      expect(toSam.text).toContain('Note from the PO: Sam sells to them every week.');

      const samForm = (await click(SAM, dm(SAM), toSam, 'question.customer-answer')).json.form!;
      expect(samForm.callbackId).toBe('question.customer-answer');
      // Only Sam (or the PO) may answer in Sam's place.
      expect((await api.post('/form', { as: BEA, channelId: dm(BEA), callbackId: samForm.callbackId, metadata: samForm.metadata, values: { answer: 'No' } })).json).toEqual({
        kind: 'invalid',
        errors: { '': 'Only the person the PO asked (or the PO) can answer this question here.' },
      });
      expect((await submit(SAM, dm(SAM), samForm, { answer: 'Net prices, with VAT shown at checkout.' })).json.kind).toBe('done');
      const answer = await api.waitForMessage(ALEX, ROCKET, (m) => m.threadId === posted.id && m.text.includes('an answer from'));
      expect(answer.text).toContain('@Alex Kim, an answer from @Sam Rivera (asked by the PO to answer): Net prices, with VAT shown at checkout.');
      await anchor(asked, (m) => m.id === posted.id && m.text.includes('✅ Answered by @Sam Rivera'));
      await api.waitForMessage(SAM, dm(SAM), (m) => m.id === toSam.id && m.text.includes('✅ You answered'));
      expect((await question(asked)).firstResponseKind).toBe('handoff');
    });
  });

  describe('resolving', () => {
    it('lets the asker mark it resolved and reopen it, in place; others are told who may', async () => {
      const asked = 'Is the gift-wrap option for this sprint?';
      await api.say(ALEX, ROCKET, `/po ask ${asked}`);
      const posted = await anchor(asked);
      await poCopy(asked);

      const refused = await click(BEA, ROCKET, posted, 'question.resolve');
      expect(refused.json).toEqual({ kind: 'reply' });
      const refusal = await api.waitForMessage(BEA, ROCKET, (m) => after(posted.id)(m) && m.ephemeral);
      expect(refusal.text).toBe('Only Alex Kim, who asked, or the Product Owner can mark this question resolved.');

      expect((await click(ALEX, ROCKET, posted, 'question.resolve')).json).toEqual({ kind: 'replace' });
      const resolved = (await api.messages(ALEX, ROCKET)).find((m) => m.id === posted.id)!;
      expect(resolved.text).toContain('☑️ Resolved by @Alex Kim');
      expect(buttonLabels(resolved)).toEqual(['Reopen']);
      // The PO's copy follows through the outbox, without buttons.
      const copy = await poCopy(asked, (m) => m.text.includes('☑️ Resolved'));
      expect(buttonLabels(copy)).toEqual([]);
      expect((await question(asked)).resolvedAt).not.toBeNull();

      expect((await click(ALEX, ROCKET, resolved, 'question.reopen')).json).toEqual({ kind: 'replace' });
      const reopened = (await api.messages(ALEX, ROCKET)).find((m) => m.id === posted.id)!;
      expect(reopened.text).toContain('⏳ Waiting for @Priya Patel');
      expect(buttonLabels(reopened)).toEqual(['Mark resolved']);
      await poCopy(asked, (m) => buttonLabels(m).includes('Answer'));
      expect((await question(asked)).resolvedAt).toBeNull();
    });
  });

  describe('the PO’s own commands', () => {
    it('lists open questions for the PO and counts them in /po stats this week', async () => {
      await api.say(PRIYA, dm(PRIYA), '/po questions');
      const list = await replyTo(PRIYA, dm(PRIYA), '/po questions');
      expect(list.text).toMatch(/^Open questions \(all teams\), oldest first: \d+/);
      expect(list.text).toContain('Is the gift-wrap option for this sprint?');
      await api.say(PRIYA, dm(PRIYA), '/po stats 1');
      const stats = await replyTo(PRIYA, dm(PRIYA), '/po stats 1');
      expect(stats.text).toContain('PO response times — this week');
      // The seeded history lies in the weeks before this one; everything asked above is this week's.
      const thisWeek = await db().question.count({ where: { source: { in: ['command', 'mention', 'shortcut'] }, requestKey: null } });
      expect(stats.text).toContain(`${thisWeek} asked`);
    });
  });
});
