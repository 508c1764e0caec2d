import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORD_JOINER } from '../../../src/messages/render-common.js';
import type { StartedApp } from '../../support/test-app.js';
import { startPlaygroundApp, type PlaygroundClient } from '../../support/playground-client.js';
import { testDatabaseKinds } from '../../support/test-database.js';
import { PRIYA, ALEX, SAM, ROCKET, STAKEHOLDERS, dm } from '../../support/playground-cast.js';


/** Reads the event stream until `marker` arrives; fails if the stream ends first. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, marker: string): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  while (!text.includes(marker)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the event stream ended before ${marker}; got: ${text}`);
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

describe.each(testDatabaseKinds())('the playground (%s)', (kind) => {
  let started: StartedApp;
  let api: PlaygroundClient;
  const db = () => started.app.db.prisma;
  const product = async () => {
    const workspace = await db().workspace.findUniqueOrThrow({ where: { platform_externalId: { platform: 'playground', externalId: 'demo' } } });
    return db().product.findUniqueOrThrow({
      where: { id: workspace.productId! },
      include: {
        owner: { include: { person: true } },
        stakeholders: { include: { person: true } },
        teams: { include: { members: { include: { person: true } } }, orderBy: { name: 'asc' } },
      },
    });
  };

  beforeAll(async () => {
    ({ api, ...started } = await startPlaygroundApp(kind));
  });
  afterAll(async () => {
    await started?.stop();
  });

  describe('the seeded demo', () => {
    it('has one PO, two teams with their rosters, and three stakeholders, set up by the real use cases', async () => {
      const p = await product();
      expect(p.name).toBe('Acme Shop');
      expect(p.owner?.person.displayName).toBe('Priya Patel');
      expect(p.stakeholders.map((s) => s.person.displayName).sort()).toEqual(['Jordan Lee', 'Morgan Blake', 'Sam Rivera']);
      // Team channels' members are the roster, minus the PO and the stakeholders sitting in them.
      expect(p.teams.map((t) => [t.name, t.channelId, t.members.map((m) => m.person.displayName).sort()])).toEqual([
        ['Comet', 'C-comet', ['Chen Wei', 'Dana Novak']],
        ['Rocket', ROCKET, ['Alex Kim', 'Bea Santos']],
      ]);
    });

    it('shows the workspace: people with roles, the team channels and the stakeholders’ area, and only your own DM', async () => {
      const { status, json } = await api.get<{
        product: string;
        people: { id: string; handle: string; role: string }[];
        channels: { id: string; name: string; kind: string }[];
        calendar: { items: { label: string; when: string }[] };
      }>(`/workspace?as=${ALEX}`);
      expect(status).toBe(200);
      expect(json.product).toBe('Acme Shop');
      expect(json.people).toHaveLength(8);
      expect(json.people.find((p) => p.id === PRIYA)).toMatchObject({ handle: 'priya', role: 'Product Owner' });
      expect(json.channels.map((c) => `${c.kind}:${c.name}`)).toEqual(['channel:rocket', 'channel:comet', 'channel:stakeholders', 'dm:po-desk']);
      expect(json.channels.at(-1)!.id).toBe(dm(ALEX));
      // A first visit names no one: the page shows the PO.
      expect((await api.get<{ as: string }>('/workspace')).json.as).toBe(PRIYA);
      expect(await api.get('/workspace?as=U-ghost')).toEqual({ status: 400, json: { error: 'There is no one called "U-ghost" in the playground: pick someone in “You are”.' } });
      expect(json.calendar.items).toHaveLength(3);
      expect(json.calendar.items[0]!.label).toMatch(/^Sprint \d+ \(now\)$/);
      expect(json.calendar.items[0]!.when).toMatch(/ · review Thu \d+ \w+, 14:00 \(Europe\/Berlin\)$/);
    });

    it('delivered the PO’s welcome through the outbox, and showed the setup replies only to the PO', async () => {
      const welcome = await api.waitForMessage(PRIYA, dm(PRIYA), (m) => m.text.includes('You are the Product Owner of Acme Shop'));
      expect(welcome.author).toBeNull();
      // The seeded question history sent Priya her copies of its questions too (see playground-questions.test.ts),
      // and the intake job the seeded request, once it ran (playground-intake.test.ts).
      const rows = await db().outboxMessage.findMany({ where: { platform: 'playground', kind: 'dm', userId: PRIYA } });
      expect(rows.filter((r) => !/^(question|intake):/.test(r.messageKey ?? '')).map((r) => r.status)).toEqual(['sent']);
      const setup = (await api.messages(PRIYA, ROCKET)).find((m) => m.command === '/po team Rocket');
      expect(setup?.ephemeral).toBe(true);
      expect(setup?.text).toContain('This channel is now team Rocket of Acme Shop.');
      expect((await api.messages(ALEX, ROCKET)).some((m) => m.command !== null)).toBe(false);
    });

    it('is seeded once: starting again changes nothing', async () => {
      const before = await db().playgroundMessage.count();
      await started.app.playground!.start();
      expect(await db().playgroundUser.count()).toBe(8);
      expect(await db().playgroundMessage.count()).toBe(before);
    });
  });

  describe('commands, as on Slack', () => {
    it('answers /po help privately', async () => {
      expect(await api.say(ALEX, ROCKET, '/po help')).toEqual({ status: 200, json: { kind: 'reply' } });
      const reply = await api.last(ALEX, ROCKET);
      expect(reply).toMatchObject({ ephemeral: true, command: '/po help', author: null });
      expect(reply.text).toContain('/po owner [@user]');
      expect((await api.messages(PRIYA, ROCKET)).some((m) => m.command === '/po help')).toBe(false);
    });

    it('shows the PO and the channel’s team to anyone', async () => {
      await api.say(ALEX, ROCKET, '/po owner');
      expect((await api.last(ALEX, ROCKET)).text).toBe(
        '@Priya Patel is the Product Owner of Acme Shop. A product has exactly one Product Owner — no co-owners, no committee. Handing over replaces the current PO.',
      );
      await api.say(ALEX, ROCKET, '/po team');
      expect((await api.last(ALEX, ROCKET)).text).toBe('This channel is team Rocket (2 on the roster). /po members lists them.');
    });

    it('refuses what a team member may not do, saying who may, and changes nothing', async () => {
      await api.say(ALEX, ROCKET, '/po owner @alex');
      expect((await api.last(ALEX, ROCKET)).text).toContain('Only the PO (Priya Patel) or an admin (Priya Patel) can hand over the Product Owner role.');
      await api.say(ALEX, STAKEHOLDERS, '/po stakeholder add @chen');
      expect((await api.last(ALEX, STAKEHOLDERS)).text).toContain('can change the stakeholders');
      const p = await product();
      expect(p.owner?.person.displayName).toBe('Priya Patel');
      expect(p.stakeholders).toHaveLength(3);
    });

    it('tells the person who is here when a mention is unknown, and that only /po exists', async () => {
      await api.say(PRIYA, ROCKET, '/po owner @nobody');
      expect((await api.last(PRIYA, ROCKET)).text).toContain('I don’t know @nobody. The people here are @priya, @alex, @bea');
      await api.say(PRIYA, ROCKET, '/standup now');
      expect((await api.last(PRIYA, ROCKET)).text).toContain('There is no command /standup here');
    });

    it('does not link the demo to real workspaces or accounts', async () => {
      await api.say(PRIYA, dm(PRIYA), '/po link');
      expect((await api.last(PRIYA, dm(PRIYA))).text).toContain('/po link connects real Slack and Teams workspaces');
      expect(await db().linkCode.count()).toBe(0);
    });

    it('refuses a team outside a channel, as on Slack', async () => {
      await api.say(ALEX, dm(ALEX), '/po team Moon');
      expect((await api.last(ALEX, dm(ALEX))).text).toContain('Run /po team <name> in the team’s own channel');
    });
  });

  describe('messages people type', () => {
    it('posts them for everyone, with mentions, and never as markup', async () => {
      const typed = '<script>alert(1)</script> @alex @channel & <b>bold</b>';
      const res = await api.say(SAM, ROCKET, typed);
      expect(res.json.kind).toBe('posted');
      const seen = (await api.messages(ALEX, ROCKET)).find((m) => m.id === res.json.messageId)!;
      expect(seen.author).toEqual({ id: SAM, name: 'Sam Rivera' });
      expect(seen.html).not.toContain('<script');
      expect(seen.html).not.toContain('<b>');
      expect(seen.html).toContain('&lt;script&gt;');
      expect(seen.html).toMatch(/class="po-mention"[^>]*>@Alex Kim</);
      expect(seen.text).toContain(`@${WORD_JOINER}channel`);
    });

    it('answers an @po-desk mention in its thread, through the outbox', async () => {
      // Not a question (no "?" at the end): those go to the PO (see playground-questions.test.ts).
      const res = await api.say(ALEX, ROCKET, 'hey @po-desk, what can you do');
      const answer = await api.waitForMessage(ALEX, ROCKET, (m) => m.threadId === res.json.messageId);
      expect(answer.author).toBeNull();
      expect(answer.text).toContain('Type /po help to see what I can do.');
    });

    it('keeps thread replies in the thread', async () => {
      const parent = await api.say(ALEX, ROCKET, 'Standup moved to 10:00');
      const replied = await api.say(PRIYA, ROCKET, 'Thanks!', parent.json.messageId as string);
      const reply = (await api.messages(ALEX, ROCKET)).find((m) => m.id === replied.json.messageId);
      expect(reply?.threadId).toBe(parent.json.messageId);
    });

    it('keeps threads under messages everyone sees', async () => {
      await api.say(PRIYA, ROCKET, '/po owner');
      const privateReply = await api.last(PRIYA, ROCKET);
      expect(privateReply.ephemeral).toBe(true);
      expect(await api.say(SAM, ROCKET, 'replying to what I cannot see', privateReply.id)).toEqual({
        status: 400,
        json: { error: 'Only a message everyone in the channel sees can have a thread.' },
      });
    });

    it('refuses empty and over-long text with the reason, storing nothing', async () => {
      const before = await db().playgroundMessage.count();
      expect(await api.say(ALEX, ROCKET, '   ')).toEqual({ status: 400, json: { error: 'There is nothing to send: write a message or a command first.' } });
      const long = await api.say(ALEX, ROCKET, 'x'.repeat(4001));
      expect(long).toEqual({ status: 400, json: { error: 'That is too long to send (4001 characters; at most 4000).' } });
      expect(await db().playgroundMessage.count()).toBe(before);
    });

    it('refuses malformed requests with 4xx and a reason', async () => {
      // The page shows `json.error` to the person: each refusal says what went wrong in words.
      const answer = async (res: Response) => ({ status: res.status, json: (await res.json()) as unknown });
      expect(await api.post('/say', { as: ALEX })).toEqual({ status: 400, json: { error: 'That request is malformed (channelId: Invalid input: expected string, received undefined).' } });
      expect(await api.say('U-ghost', ROCKET, 'hi')).toEqual({ status: 400, json: { error: 'There is no one called "U-ghost" in the playground.' } });
      expect(await api.say(ALEX, 'C-nowhere', 'hi')).toEqual({ status: 404, json: { error: 'That channel does not exist (any more): reload the page.' } });
      expect(await api.say(ALEX, dm(PRIYA), 'hi')).toEqual({ status: 403, json: { error: 'That is someone else’s conversation with po-desk.' } });
      expect(await api.get(`/channels/${dm(PRIYA)}/messages?as=${ALEX}`)).toEqual({ status: 403, json: { error: 'That is someone else’s conversation with po-desk.' } });
      expect(await api.get('/nope')).toEqual({ status: 404, json: { error: 'No such playground API route.' } });
      const notJson = await fetch(`${started.baseUrl}/playground/api/say`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"as":' });
      expect(await answer(notJson)).toEqual({ status: 400, json: { error: 'That request is not valid JSON.' } });
      const form = await fetch(`${started.baseUrl}/playground/api/say`, { method: 'POST', body: new URLSearchParams({ as: ALEX }) });
      expect(await answer(form)).toEqual({ status: 415, json: { error: 'Send JSON (Content-Type: application/json).' } });
      const latin2 = await fetch(`${started.baseUrl}/playground/api/say`, { method: 'POST', headers: { 'content-type': 'application/json; charset=latin2' }, body: '{}' });
      expect(await answer(latin2)).toEqual({ status: 415, json: { error: 'Send JSON in UTF-8, plain or gzip-compressed.' } });
      const brotli2 = await fetch(`${started.baseUrl}/playground/api/say`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'br2' }, body: '{}' });
      expect(await answer(brotli2)).toEqual({ status: 415, json: { error: 'Send JSON in UTF-8, plain or gzip-compressed.' } });
      expect(await api.get(`/channels/%E0%A4%A/messages?as=${ALEX}`)).toEqual({ status: 400, json: { error: 'That request is malformed.' } });
    });
  });

  describe('buttons and forms', () => {
    it('removes a stakeholder with an Undo button that puts them back, editing the reply in place', async () => {
      await api.say(PRIYA, STAKEHOLDERS, '/po stakeholder remove @sam');
      const reply = await api.last(PRIYA, STAKEHOLDERS);
      expect(reply.text).toContain('Removed @Sam Rivera from the stakeholders.');
      expect((await product()).stakeholders.map((s) => s.person.displayName)).not.toContain('Sam Rivera');
      const value = /data-action-id="stakeholder.undo-remove" data-value="([^"]+)"/.exec(reply.html)?.[1];
      expect(value).toBeDefined();

      // Only the message's own buttons can be clicked.
      const forged = await api.post('/action', { as: PRIYA, channelId: STAKEHOLDERS, messageId: reply.id, actionId: 'stakeholder.undo-remove', value: 'someone-else' });
      expect(forged.status).toBe(400);

      const click = await api.post('/action', { as: PRIYA, channelId: STAKEHOLDERS, messageId: reply.id, actionId: 'stakeholder.undo-remove', value });
      expect(click.json).toEqual({ kind: 'replace' });
      const edited = (await api.messages(PRIYA, STAKEHOLDERS)).find((m) => m.id === reply.id)!;
      expect(edited.edited).toBe(true);
      expect(edited.text).toContain('Undone: @Sam Rivera is a stakeholder of Acme Shop again.');
      expect((await product()).stakeholders.map((s) => s.person.displayName)).toContain('Sam Rivera');
    });

    it('opens the working-hours form, shows field errors, then saves', async () => {
      const opened = await api.say(ALEX, ROCKET, '/po hours edit');
      expect(opened.json).toMatchObject({ kind: 'form', form: { callbackId: 'hours', title: 'Working hours', submitLabel: 'Save' } });
      const html = (opened.json.form as { html: string }).html;
      expect(html).toContain('name="start"');
      expect(html).toContain('value="Europe/Berlin"');

      const values = { start: '09:00', end: '08:00', days: 'mon-thu', timeZone: 'Mars/Olympus' };
      const invalid = await api.post('/form', { as: ALEX, channelId: ROCKET, callbackId: 'hours', metadata: null, values });
      expect(invalid.json).toEqual({
        kind: 'invalid',
        errors: { end: 'The end of the working day must be after its start', timeZone: 'Not a time zone I know: use an IANA name such as Europe/Berlin' },
      });
      const saved = await api.post<{ kind: string; html: string }>('/form', {
        as: ALEX,
        channelId: ROCKET,
        callbackId: 'hours',
        metadata: null,
        values: { ...values, end: '16:30', timeZone: 'Europe/Lisbon' },
      });
      expect(saved.json.kind).toBe('done');
      expect(saved.json.html).toContain('Your working hours are now');
      const alex = await db().person.findFirstOrThrow({ where: { platformUserId: ALEX } });
      expect([alex.workStartMin, alex.workEndMin, alex.workDays, alex.timeZone]).toEqual([540, 990, [1, 2, 3, 4], 'Europe/Lisbon']);
    });

    it('opens a form from a button', async () => {
      await api.say(ALEX, ROCKET, '/po hours');
      const reply = await api.last(ALEX, ROCKET);
      const click = await api.post('/action', { as: ALEX, channelId: ROCKET, messageId: reply.id, actionId: 'hours.edit', value: 'edit' });
      expect(click.json).toMatchObject({ kind: 'form', form: { callbackId: 'hours' } });
    });
  });

  describe('live updates', () => {
    it('streams a change event when a message arrives', async () => {
      const controller = new AbortController();
      const res = await fetch(`${started.baseUrl}/playground/api/events`, { signal: controller.signal });
      const reader = res.body!.getReader();
      await api.say(ALEX, ROCKET, 'live?');
      const text = await readUntil(reader, 'event: change');
      expect(text).toContain('data: {"channelId":"C-rocket","visibleTo":null}');
      controller.abort();
    });

    it('says when a change is a private reply only one person can see', async () => {
      const controller = new AbortController();
      const res = await fetch(`${started.baseUrl}/playground/api/events`, { signal: controller.signal });
      const reader = res.body!.getReader();
      await api.say(SAM, ROCKET, '/po help');
      const text = await readUntil(reader, 'event: change');
      expect(text).toContain(`data: {"channelId":"C-rocket","visibleTo":"${SAM}"}`);
      controller.abort();
    });
  });
});
