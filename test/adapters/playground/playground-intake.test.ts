/**
 * The PO's intake queue in the playground, through its JSON API as the page calls it: the seeded queue,
 * a stakeholder's message in a team channel caught (nudge mode) and sent, the message menu's "Send to PO
 * intake", the PO's DM once the clock moves, and a decision told to the requester.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FormView } from '../../../src/adapters/playground/api-types.js';
import { startPlaygroundApp, type PlaygroundClient, type PlaygroundMessage } from '../../support/playground-client.js';
import type { StartedApp } from '../../support/test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';
import { PRIYA, ALEX, SAM, ROCKET, STAKEHOLDERS, dm } from '../../support/playground-cast.js';


function buttonValue(m: PlaygroundMessage, actionId: string, nth = 0): string {
  const values = [...m.html.matchAll(new RegExp(`data-action-id="${actionId.replace('.', '\\.')}" data-value="([^"]+)"`, 'g'))].map((x) => x[1]!);
  if (values[nth] === undefined) throw new Error(`no ${actionId} button in: ${m.text}`);
  return values[nth];
}
const after = (id: string) => (m: PlaygroundMessage) => BigInt(m.id) > BigInt(id);

describe.each(testDatabaseKinds())('the PO’s intake queue in the playground (%s)', (kind) => {
  let started: StartedApp;
  let api: PlaygroundClient;
  const db = () => started.app.db.prisma;

  beforeAll(async () => {
    ({ api, ...started } = await startPlaygroundApp(kind));
  });
  afterAll(async () => {
    await started?.stop();
  });

  const click = (as: string, channelId: string, m: PlaygroundMessage, actionId: string, value = buttonValue(m, actionId)) =>
    api.post<{ kind: string; form?: FormView; error?: string }>('/action', { as, channelId, messageId: m.id, actionId, value });
  const submit = (as: string, channelId: string, form: FormView, values: Record<string, string>) =>
    api.post<{ kind: string; html?: string; errors?: Record<string, string> }>('/form', { as, channelId, callbackId: form.callbackId, metadata: form.metadata, values });
  const replyTo = async (as: string, channelId: string, command: string) => (await api.messages(as, channelId)).filter((m) => m.command === command).at(-1)!;

  it('seeds a queue: Morgan’s request waits for Priya, Sam’s is at the top of the backlog', async () => {
    await api.say(PRIYA, dm(PRIYA), '/po queue');
    const queue = await replyTo(PRIYA, dm(PRIYA), '/po queue');
    expect(queue.text).toContain('Waiting for your decision: 1');
    expect(queue.text).toContain('Export orders to CSV for the campaign report');
    expect(queue.text).toMatch(/1\. #1 Gift cards at checkout/);
  });

  it('catches Sam’s request in #rocket with a private nudge; sent, the thread tells the team', async () => {
    const said = await api.say(SAM, ROCKET, 'Hey team, can you add Apple Pay to the checkout before Black Friday?');
    const messageId = said.json.messageId as string;
    const nudge = await api.waitForMessage(SAM, ROCKET, (m) => after(messageId)(m) && m.ephemeral && m.text.includes('reads like a work request'));
    expect(nudge.text).toContain('This reads like a work request for team Rocket');
    expect((await api.messages(ALEX, ROCKET)).some((m) => m.id === nudge.id)).toBe(false); // only Sam sees it

    expect((await click(SAM, ROCKET, nudge, 'intake.send')).json).toEqual({ kind: 'replace' });
    const item = await db().intakeItem.findFirstOrThrow({ where: { title: 'Hey team, can you add Apple Pay to the checkout before Black Friday?' } });
    expect(item).toMatchObject({ source: 'intercept', status: 'new' });
    const told = await api.waitForMessage(ALEX, ROCKET, (m) => m.threadId === messageId && m.text.includes('please don’t start it until the PO decides'));
    expect(told.text).toContain(`#${item.number}`);
  });

  it('“Send to PO intake” from the message menu, outside a team channel: Sam is told in his DM', async () => {
    const said = await api.say(SAM, STAKEHOLDERS, 'A loyalty points balance in the account header would help sales a lot');
    const messageId = said.json.messageId as string;
    expect((await api.post('/shortcut', { as: ALEX, channelId: STAKEHOLDERS, messageId, callbackId: 'send_to_intake' })).status).toBe(200);
    const reply = await api.waitForMessage(ALEX, STAKEHOLDERS, (m) => after(messageId)(m) && m.ephemeral);
    expect(reply.text).toMatch(/Sent to the PO’s intake as #\d+, with Sam Rivera as the requester\./);
    const toSam = await api.waitForMessage(SAM, dm(SAM), (m) => m.text.includes('loyalty points balance'));
    expect(toSam.text).toContain('is in the PO’s intake queue');
  });

  it('the PO gets new requests in one DM once a minute has passed, and declines one: Sam reads why', async () => {
    await api.post('/clock', { advanceMinutes: 2 });
    const batch = await api.waitForMessage(PRIYA, dm(PRIYA), (m) => m.text.includes('Apple Pay') && m.text.includes('loyalty points'));
    expect(batch.text).toContain('new requests for your intake');
    const applePay = await db().intakeItem.findFirstOrThrow({ where: { title: { contains: 'Apple Pay' } } });
    const opened = await click(PRIYA, dm(PRIYA), batch, 'intake.decline', applePay.id);
    expect(opened.json.form).toMatchObject({ callbackId: 'intake.decline', title: 'Decline the request' });
    expect((await submit(PRIYA, dm(PRIYA), opened.json.form!, { reason: '' })).json).toEqual({ kind: 'invalid', errors: { reason: expect.stringContaining('is needed') as unknown } });
    const done = await submit(PRIYA, dm(PRIYA), opened.json.form!, { reason: 'Apple Pay comes with the payment provider switch in spring.' });
    expect(done.json.kind).toBe('done');
    const told = await api.waitForMessage(SAM, dm(SAM), (m) => m.text.includes('decided not to take on'));
    expect(told.text).toContain('Apple Pay comes with the payment provider switch in spring.');
  });
});
