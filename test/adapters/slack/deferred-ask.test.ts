import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimInboundCommands } from '../../../src/store/inbound-commands.js';
import { ALI, BOB, CHANNEL, PAT } from '../../support/slack-cast.js';
import { postToSlackEndpoint, slashCommandBody } from '../../support/slack-requests.js';
import { waitForResponse, type TestApp } from '../../support/test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';
import { dmsTo, postsIn, settle, startQuestionWorld, textOf, type QuestionWorld } from './questions-world.js';

/**
 * `/po ask` is acked once the question is saved and asked right after (src/adapters/slack/deferred-commands.ts).
 * What the asker sees, and that an acked question survives a worker that dies or a Slack that fails.
 */
describe.each(testDatabaseKinds())('A question acked first, asked right after (%s)', (kind) => {
  let w: QuestionWorld;
  let t: TestApp;
  let n = 0;
  beforeAll(async () => {
    w = await startQuestionWorld(kind);
    t = w.t;
    w.goTo(0, '10:00');
  });
  afterAll(async () => w?.stop());
  beforeEach(() => t.fake.reset());
  afterEach(async () => {
    await settle(t);
    expect(t.fake.unexpected).toEqual([]);
  });

  const prisma = () => t.app.db.prisma;
  /** A signed `/po ask` as Slack sends it, with a trigger id and response_url of its own. */
  const ask = async (text: string) => {
    n += 1;
    const id = `deferred-${kind}-${n}`;
    const body = slashCommandBody({ text: `ask ${text}`, userId: BOB, channelId: CHANNEL, triggerId: `7777.${kind}.${n}`, responseUrl: t.fake.responseUrl(id) });
    const res = await postToSlackEndpoint(t.baseUrl, body, { contentType: 'application/x-www-form-urlencoded' });
    return { res, id, requestKey: `slack:command:T0PODESK01:7777.${kind}.${n}` };
  };

  it('acks empty once the question is saved; the asker is told its number through the response_url, once', async () => {
    const before = await prisma().question.count();
    const { res, id, requestKey } = await ask('Do we support IE11?');
    expect([res.status, res.text]).toEqual([200, '']);
    expect(textOf(await waitForResponse(t.fake, id))).toContain(`Sent to <@${PAT}> (the Product Owner) as Q${before + 1}`);
    await settle(t);
    expect(t.fake.responsesTo(id)).toHaveLength(1);
    expect(await prisma().inboundCommand.findUniqueOrThrow({ where: { requestKey } })).toMatchObject({ status: 'done', attempts: 1 });
    expect(postsIn(t, CHANNEL)).toHaveLength(1);
    expect(dmsTo(t, PAT)).toHaveLength(1);
  });

  it('a question whose worker died after claiming it is asked once its claim expires, and confirmed once', async () => {
    const before = await prisma().question.count();
    await t.app.slack!.deferred.stop(); // this replica's worker is away: the question waits, acked and saved
    const { res, id, requestKey } = await ask('Who owns the refund flow?');
    expect([res.status, res.text]).toEqual([200, '']);
    // Another worker claims it, then dies before asking it (its lease: 50 ms).
    const claimed = await claimInboundCommands(prisma(), 'a-worker-that-dies', w.clock.now(), 50, 10);
    expect(claimed.map((c) => c.requestKey)).toEqual([requestKey]);
    t.app.slack!.deferred.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await prisma().question.count()).toBe(before); // still claimed: nobody else takes it
    w.clock.advance(1_000);
    t.app.slack!.deferred.wake();
    expect(textOf(await waitForResponse(t.fake, id))).toContain(`as Q${before + 1}`);
    await settle(t);
    expect(await prisma().question.count()).toBe(before + 1);
    expect(t.fake.responsesTo(id)).toHaveLength(1);
    expect(await prisma().inboundCommand.findUniqueOrThrow({ where: { requestKey } })).toMatchObject({ status: 'done', attempts: 2 });
    expect(dmsTo(t, PAT)).toHaveLength(1);
  });

  it('when Slack fails while the question is asked, it is asked again later, and the asker hears once', async () => {
    const before = await prisma().question.count();
    t.fake.failNext('users.info', { status: 500 });
    const { id, requestKey } = await ask('Is the export CSV or XLSX?');
    await expect.poll(() => prisma().inboundCommand.findUnique({ where: { requestKey } }), { timeout: 5_000 }).toMatchObject({ status: 'pending', attempts: 1 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(t.fake.responsesTo(id)).toEqual([]); // not told anything yet: it is asked again after a back-off
    w.clock.advance(2_000);
    expect(textOf(await waitForResponse(t.fake, id, 15_000))).toContain(`as Q${before + 1}`);
    await settle(t);
    const row = await prisma().inboundCommand.findUniqueOrThrow({ where: { requestKey } });
    expect(row).toMatchObject({ status: 'done', attempts: 2 });
    expect(t.fake.responsesTo(id)).toHaveLength(1);
    expect(await prisma().question.count()).toBe(before + 1);
  });

  it('a question with a NUL or half an emoji in it is saved, asked and confirmed without them, like the questions sent with it', async () => {
    const before = await prisma().question.count();
    // PostgreSQL stores neither character; questions arriving together are saved in one statement, so one
    // unstorable question failed all of them. Whether these five share a statement depends on timing; each
    // must be saved, asked and confirmed, its text cleaned.
    const texts = ['Is the API rate-limited?', `Can the export skip\u0000 empty rows?`, 'Do we log PII?', `Is \uD83D the new logo final?`, 'Who signs off the copy?'];
    const asked = await Promise.all(texts.map((text) => ask(text)));
    expect(asked.map(({ res }) => [res.status, res.text])).toEqual(texts.map(() => [200, '']));
    for (const { id } of asked) expect(textOf(await waitForResponse(t.fake, id))).toContain('(the Product Owner) as Q');
    await settle(t);
    const stored = (await prisma().question.findMany({ where: { number: { gt: before } } })).map((q) => q.text).sort();
    expect(stored).toEqual(['Can the export skip empty rows?', 'Do we log PII?', 'Is the API rate-limited?', 'Is \uFFFD the new logo final?', 'Who signs off the copy?'].sort());
    expect(asked.map(({ id }) => t.fake.responsesTo(id).length)).toEqual(texts.map(() => 1));
  });

  it('refusals come the same way: a question in a channel that is not a team is answered with the hint, and nothing is asked', async () => {
    const before = await prisma().question.count();
    const body = slashCommandBody({ text: 'ask Anyone?', userId: ALI, channelId: 'C0RANDOM01', channelName: 'random', triggerId: `7777.${kind}.random`, responseUrl: t.fake.responseUrl(`random-${kind}`) });
    const res = await postToSlackEndpoint(t.baseUrl, body, { contentType: 'application/x-www-form-urlencoded' });
    expect([res.status, res.text]).toEqual([200, '']);
    expect(textOf(await waitForResponse(t.fake, `random-${kind}`))).toContain('This channel is not a team yet');
    expect(await prisma().question.count()).toBe(before);
  });
});
