/**
 * Hostile input (issue 9): thousands of malformed requests, generated with fast-check, against the real
 * app's two public endpoints: POST /slack/events (Bolt's ExpressReceiver, Slack signature verification)
 * and POST /api/messages (botbuilder's CloudAdapter, real Bot Framework JWT verification).
 *
 * Whatever arrives, the app must never answer 5xx nor crash (/healthz and /readyz still answer 200 at the
 * end). A request that is not authenticated (forged, missing or stale signature; missing or forged token)
 * must be refused with a 4xx and must not change a single row of the database. Correctly signed but odd
 * requests (unknown buttons, forms that do not exist, hostile Unicode) may be answered and may write
 * (receipts, audit events…); for those only "no 5xx" is asserted.
 */
import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAILY_ACTIONS } from '../../src/app/ceremonies/daily-scrum.js';
import { REVIEW_ACTIONS, SPRINT_FORM } from '../../src/app/ceremonies/review-messages.js';
import { DASHBOARD_ACTIONS } from '../../src/app/dashboard/dashboard.js';
import { INTAKE_ACTIONS, REQUEST_FORM } from '../../src/app/intake/intake-messages.js';
import { CUSTOMER_ANSWER_FORM, QUESTION_ACTIONS } from '../../src/app/questions/question-messages.js';
import { HOURS_FORM } from '../../src/app/set-working-hours.js';
import { HELP } from '../../src/domain/command.js';
import { Prisma } from '../../src/generated/prisma/client.js';
import type { Db } from '../../src/store/database.js';
import { FakeBotConnector } from '../support/fake-bot-connector.js';
import { addCast, ALI, ANN, BOB, CHANNEL, PAT, SAM } from '../support/slack-cast.js';
import { blockActionsPayload, interactionBody, sign, slashCommandBody, viewSubmissionPayload } from '../support/slack-requests.js';
import { channelMessage, invoke, person, personalMessage } from '../support/teams-activities.js';
import { APP_ID, startTeamsTestApp, type TeamsTestApp } from '../support/teams-test-app.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKinds } from '../support/test-database.js';

// The same inputs on every run, so CI is repeatable; FUZZ_SEED=<n> (or FUZZ_SEED=random) explores others.
const FUZZ_SEED = process.env.FUZZ_SEED;
fc.configureGlobal({ seed: FUZZ_SEED === 'random' ? Date.now() : Number(FUZZ_SEED ?? 20261205) });

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const TIMEOUT = 60_000;

// --- plumbing ------------------------------------------------------------------------------------------------

/** POSTs a raw body with exactly these headers; answers the status (the body is read and dropped). */
async function post(url: string, body: string | Uint8Array, headers: Record<string, string>): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers, body });
  await res.arrayBuffer();
  return res.status;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Every table, by its row count. JobRun is left out: the scheduler writes it on its own clock, not on a request. */
async function rowCounts(prisma: Db): Promise<Record<string, number>> {
  const delegates = prisma as unknown as Record<string, { count(): Promise<number> }>;
  const models = Object.values(Prisma.ModelName).filter((m) => m !== 'JobRun');
  const counts = await Promise.all(models.map((m) => delegates[m[0]!.toLowerCase() + m.slice(1)]!.count()));
  return Object.fromEntries(models.map((m, i) => [m, counts[i]!]));
}

/** Runs `property`, then checks that no table gained or lost a row meanwhile. */
async function withoutDbChange(prisma: Db, property: () => Promise<void>): Promise<void> {
  const before = await rowCounts(prisma);
  await property();
  expect(await rowCounts(prisma)).toEqual(before);
}

async function stillServing(baseUrl: string): Promise<void> {
  expect((await fetch(`${baseUrl}/healthz`)).status).toBe(200);
  expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
}

const refused = (status: number) => status >= 400 && status < 500;

function expectRefused(status: number): void {
  expect(status, 'refused with a 4xx').toBeGreaterThanOrEqual(400);
  expect(status, 'refused with a 4xx').toBeLessThan(500);
}

const MB = 1024 * 1024;

/**
 * POSTs a body so large that the server may answer (413) before it has read it all, and cut the
 * connection: the answer counts as soon as its status line arrives; a connection cut first is 'reset'.
 */
function postLarge(url: string, body: string, headers: Record<string, string>): Promise<number | 'reset'> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent: false, headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? resolve('reset') : reject(error)));
    req.end(body);
  });
}

/** Slack's headers for `body`, correctly signed now. */
function signedHeaders(body: string, contentType: string): Record<string, string> {
  const ts = nowSeconds();
  return { 'content-type': contentType, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(body, ts) };
}

// --- arbitraries: text ---------------------------------------------------------------------------------------

/** Characters that break naive text handling: surrogate halves, bidi and zero-width marks, NUL, Slack control sequences. */
const UNICODE_EDGES = [
  '\uD800', '\uDBFF', '\uDC00', '\uDFFF', // lone surrogate halves
  '\u200F', '\u202E', '\u2066', '\u061C', // RTL mark, right-to-left override, isolate, Arabic letter mark
  '\u200D', '\u200B', '\u2060', '\uFEFF', // zero-width joiner, space, word joiner, BOM
  '\u0000', '\u0007', '\u001B[31m', '\r\n', '\t',
  'e\u0301\u0301\u0301', '👩‍👩‍👧‍👦', '🏳️‍🌈', '🇺🇳', '\u{10FFFF}', '\uFFFD',
  '<!channel>', '<!here>', '<!everyone>', `<@${PAT}>`, `<#${CHANNEL}|team-a>`, '<!subteam^S0123|@devs>', '<https://evil.example|click>',
  '&lt;&gt;&amp;', '%00', '%', '+', '&payload=', '=', '*_~`', '```', '"', '\\', "'; DROP TABLE \"Product\"; --", '__proto__', '{"constructor":{"prototype":{}}}',
];

/** Pieces too long for any field: 10k emoji, 10k joiners, 5k NULs, 40k letters. */
const VERY_LONG = ['😀'.repeat(10_000), '\u200D'.repeat(10_000), '\u0000'.repeat(5_000), 'x'.repeat(40_000), '\uD83D'.repeat(3_000)];

const hostileText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.array(fc.oneof(fc.constantFrom(...UNICODE_EDGES), fc.string({ maxLength: 8 })), { maxLength: 16 }).map((parts) => parts.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constantFrom(...VERY_LONG) },
);

/** `/po <subcommand> <hostile text>`, or only hostile text. */
const commandText = fc.oneof(
  { weight: 1, arbitrary: hostileText },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...HELP.map((h) => h.sub)), hostileText).map(([sub, rest]) => `${sub} ${rest}`) },
);

/** Printable ASCII, as header values can carry (fetch refuses control characters and non-Latin-1). */
const headerValue = fc.string({ unit: 'grapheme-ascii', maxLength: 80 });

// --- arbitraries: Slack ----------------------------------------------------------------------------------------

/** The cast of a configured product (PO, admin, team members, stakeholder), strangers and no one. */
const slackUser = fc.constantFrom(PAT, ANN, ALI, BOB, SAM, 'U0NOBODY01', '', 'W0ENTERPRISE');

const eventCallback = fc.record({ text: hostileText, user: slackUser, id: fc.string({ maxLength: 20 }) }).map(({ text, user, id }) =>
  JSON.stringify({
    token: 'x',
    team_id: 'T0PODESK01',
    api_app_id: 'A0PODESK01',
    type: 'event_callback',
    event_id: `Ev${id}`,
    event_time: nowSeconds(),
    event: { type: 'app_mention', user, text: `<@U0PODESKBOT> ${text}`, ts: '1700000000.000100', channel: CHANNEL, event_ts: '1700000000.000100' },
  }),
);

/** Every action id po-desk renders, so a forged value reaches the code behind the button. */
const KNOWN_ACTION_IDS = [
  'hours.edit', 'stakeholder.undo-remove', 'members.undo-remove',
  ...[QUESTION_ACTIONS, INTAKE_ACTIONS, DAILY_ACTIONS, REVIEW_ACTIONS, DASHBOARD_ACTIONS].flatMap((ids) => Object.values(ids) as string[]),
];

const buttonClick = fc.record({
  userId: slackUser,
  actionId: fc.oneof(hostileText, fc.constantFrom(...KNOWN_ACTION_IDS)),
  value: fc.option(hostileText, { nil: undefined }),
});

/** Form ids po-desk knows (most forms share their button's id) and ones it does not. */
const formId = fc.oneof(hostileText, fc.constantFrom(...KNOWN_ACTION_IDS, HOURS_FORM, REQUEST_FORM, SPRINT_FORM, CUSTOMER_ANSWER_FORM));

/** po-desk keeps `{"m": metadata, "c": channel}` in a modal's private_metadata; anything else may come back. */
const privateMetadata = fc.oneof(
  fc.constant(''),
  hostileText,
  fc.json({ maxDepth: 2 }),
  fc.record({ m: fc.option(hostileText, { nil: undefined }), c: fc.option(fc.constantFrom(CHANNEL, 'D0NOBODY01', ''), { nil: undefined }) }).map((o) => JSON.stringify(o)),
);

/** A modal submitted with one text input holding hostile text. */
const formSubmission = fc.record({ userId: slackUser, formId, metadata: privateMetadata, value: fc.option(hostileText, { nil: null }) }).map((f) =>
  viewSubmissionPayload({
    userId: f.userId,
    view: { callback_id: f.formId, private_metadata: f.metadata, blocks: [{ type: 'input', block_id: 'text', element: { type: 'plain_text_input', action_id: 'text' } }] },
    values: { text: f.value },
  }),
);

/** `body` cut short anywhere. */
const truncated = (body: fc.Arbitrary<string>) => fc.tuple(body, fc.double({ min: 0, max: 1, noNaN: true })).map(([b, at]) => b.slice(0, Math.floor(b.length * at)));

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** Text that JSON.parse refuses. */
const notJson = fc.oneof(hostileText, fc.string({ unit: 'binary', maxLength: 100 }), truncated(fc.json({ maxDepth: 2 }))).filter((text) => !isJson(text));

/** JSON Bolt cannot route (not an object, or an object that is no command, event or interaction). */
const unroutableJson = fc.oneof(fc.json({ maxDepth: 2 }), fc.constantFrom('{}', '[]', 'null', '""', '1', '{"type":"block_actions"}', '{"type":"view_submission"}', '{"type":"event_callback"}'));

const payloadField = (payload: string) => new URLSearchParams({ payload }).toString();

/** What Slack could post if it were Slack (or if someone had the secret): commands, clicks, form submissions, events. */
function slackBodies(responseUrl: string) {
  return {
    form: fc.oneof(
      { weight: 3, arbitrary: fc.record({ text: commandText, userId: slackUser }).map((c) => slashCommandBody({ ...c, responseUrl })) },
      { weight: 2, arbitrary: buttonClick.map((c) => interactionBody(blockActionsPayload({ ...c, responseUrl }))) },
      { weight: 2, arbitrary: formSubmission.map((payload) => interactionBody(payload)) },
    ),
    json: eventCallback,
  };
}

const { form: slackForm, json: slackJson } = slackBodies('https://hooks.slack.com/actions/T0PODESK01/1/x');
const anySlackBody = fc.oneof(slackForm, slackJson, truncated(fc.oneof(slackForm, slackJson)), notJson.map(payloadField), unroutableJson, hostileText);

const contentType = fc.oneof(
  fc.constantFrom(FORM, JSON_TYPE, `${FORM}; charset=utf-8`, 'text/plain', 'multipart/form-data; boundary=xyz', 'application/xml', 'application/octet-stream', ''),
  headerValue,
);

/** A timestamp Bolt must refuse: more than 5 minutes old, or no number at all. */
const badTimestamp = fc.oneof(
  fc.integer({ min: 301, max: 2_000_000_000 }).map((age) => String(nowSeconds() - age)),
  fc.constantFrom('', ' ', 'NaN', 'abc', '1e', '--1', '0x', 'null', 'undefined', '[]', '{}'),
  headerValue.filter((s) => Number.isNaN(Number(s))),
);

/**
 * The Slack headers of a request that is not Slack's, for `body`: no signature or timestamp, garbage, a
 * signature by another secret, a correct signature over another body, or a correct one that is stale.
 */
function forgedSlackHeaders(body: string): fc.Arbitrary<Record<string, string>> {
  const ts = String(nowSeconds());
  const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
  return fc.oneof(
    fc.constant({}),
    fc.constant({ 'x-slack-request-timestamp': ts }),
    fc.constant({ 'x-slack-signature': sign(body, Number(ts)) }),
    hex.map((h) => ({ 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${h}` })),
    headerValue.map((s) => ({ 'x-slack-request-timestamp': ts, 'x-slack-signature': s })),
    fc.string({ minLength: 1, maxLength: 30 }).map((secret) => ({ 'x-slack-request-timestamp': ts, 'x-slack-signature': sign(body, Number(ts), `x${secret}`) })),
    anySlackBody.filter((other) => other !== body).map((other) => ({ 'x-slack-request-timestamp': ts, 'x-slack-signature': sign(other, Number(ts)) })),
    badTimestamp.map((stale) => ({ 'x-slack-request-timestamp': stale, 'x-slack-signature': sign(body, Number(stale) || 0) })),
    // a correct signature, with `v1=` instead of `v0=`
    fc.constant({ 'x-slack-request-timestamp': ts, 'x-slack-signature': sign(body, Number(ts)).replace(/^v0/, 'v1') }),
  );
}

const forgedSlackRequest = anySlackBody.chain((body) => fc.record({ body: fc.constant(body), headers: forgedSlackHeaders(body), contentType }));

/**
 * Correctly signed odd requests Bolt can route or refuse at once: hostile commands, clicks on unknown
 * buttons, forms that do not exist, `payload` fields and bodies that are not JSON, forms under a wrong
 * content type.
 */
function signedSlackRequest(responseUrl: string) {
  const { form, json } = slackBodies(responseUrl);
  return fc.oneof(
    { weight: 4, arbitrary: form.map((body) => ({ body, contentType: FORM })) },
    { weight: 1, arbitrary: json.map((body) => ({ body, contentType: JSON_TYPE })) },
    { weight: 1, arbitrary: notJson.map((payload) => ({ body: payloadField(payload), contentType: FORM })) },
    { weight: 1, arbitrary: notJson.map((body) => ({ body, contentType: JSON_TYPE })) },
    { weight: 1, arbitrary: fc.record({ body: form, contentType: contentType.filter((type) => type !== FORM) }) },
  );
}

/**
 * Correctly signed bodies that are no command, event or interaction at all. Nothing acknowledges them, so
 * Bolt answers 404 after 3 seconds (its unhandledRequestTimeoutMillis): they are sent in parallel.
 */
function signedUnroutableRequest(responseUrl: string) {
  const { form, json } = slackBodies(responseUrl);
  return fc.oneof(
    unroutableJson.map((body) => ({ body, contentType: JSON_TYPE })),
    unroutableJson.map((payload) => ({ body: payloadField(payload), contentType: FORM })),
    truncated(form).map((body) => ({ body, contentType: FORM })),
    json.map((body) => ({ body, contentType: FORM })),
  );
}

// --- arbitraries: Teams ----------------------------------------------------------------------------------------

const TEAMS_ANN = person('ann', 1);

/** Messages as Teams sends them, saying hostile things, in a channel (mentioning po-desk) or in a 1:1. */
function teamsMessage(serviceUrl: string): fc.Arbitrary<Record<string, unknown>> {
  return fc.oneof(
    commandText.map((text) => channelMessage(TEAMS_ANN, text, { serviceUrl })),
    commandText.map((text) => personalMessage(TEAMS_ANN, text, serviceUrl)),
  );
}

/** Invokes (card buttons, dialogs, message actions) po-desk knows by name and ones it does not, carrying any value. */
function teamsInvoke(serviceUrl: string): fc.Arbitrary<Record<string, unknown>> {
  const name = fc.oneof(hostileText, fc.constantFrom('task/fetch', 'task/submit', 'adaptiveCard/action', 'composeExtension/submitAction'));
  return fc.record({ name, value: fc.jsonValue({ maxDepth: 2 }) }).map(({ name, value }) => invoke(TEAMS_ANN, name, value, { personal: true, serviceUrl }));
}

const teamsActivity = (serviceUrl: string) => fc.oneof(teamsMessage(serviceUrl), teamsInvoke(serviceUrl));

const ACTIVITY_FIELDS = ['id', 'from', 'recipient', 'conversation', 'channelData', 'serviceUrl', 'channelId', 'text', 'value', 'name', 'entities', 'replyToId'] as const;

/**
 * An activity with some of `fields` dropped and others replaced by any JSON. Without `serviceUrl`,
 * botbuilder has no service URL to hold a token's `serviceurl` claim against (nor does po-desk have
 * anywhere to answer): so it is left whole where a token for another service must be refused.
 */
function mangled(activity: fc.Arbitrary<Record<string, unknown>>, fields: readonly string[] = ACTIVITY_FIELDS) {
  return fc
    .tuple(activity, fc.subarray([...fields]), fc.dictionary(fc.constantFrom(...fields), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }))
    .map(([a, dropped, replaced]) => ({ ...Object.fromEntries(Object.entries(a).filter(([key]) => !dropped.includes(key))), ...replaced }));
}

/** JSON that is not a Bot Framework activity: not an object, an array, an object without a string `type`. */
const notAnActivity = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== 'object' || v === null || Array.isArray(v) || typeof (v as { type?: unknown }).type !== 'string'),
  fc.array(fc.constant({ type: 'message', text: 'help' }), { minLength: 1, maxLength: 3 }),
  fc.record({ type: fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.string())), text: hostileText }),
);

const base64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

/**
 * `Authorization` headers that must not get an activity in: none, garbage, JWT-shaped junk, an unsigned
 * (`alg: none`) token, tokens signed by a key the app never trusted (also under the trusted key's id), and
 * tokens correctly signed but for another app, issuer or service URL, expired, or with a tampered signature.
 */
function forgedAuthorization(fake: FakeBotConnector, impostor: FakeBotConnector): fc.Arbitrary<string | undefined> {
  const now = nowSeconds();
  const claims = { iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: fake.url, nbf: now - 60, iat: now - 60, exp: now + 3600 };
  const valid = () => fake.signToken({ appId: APP_ID });
  return fc.oneof(
    fc.constant(undefined),
    fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'bearer x', `Bearer ${valid()} extra`),
    headerValue,
    headerValue.map((junk) => `Bearer ${junk}`),
    fc.tuple(fc.jsonValue({ maxDepth: 1 }), fc.jsonValue({ maxDepth: 1 }), fc.base64String()).map(([h, p, sig]) => `Bearer ${base64url(h)}.${base64url(p)}.${sig}`),
    fc.constant(`Bearer ${base64url({ alg: 'none', typ: 'JWT', kid: fake.keyId })}.${base64url(claims)}.`),
    fc.constant(`Bearer ${impostor.signToken({ appId: APP_ID })}`),
    fc.constant(`Bearer ${impostor.signToken({ appId: APP_ID, kid: fake.keyId })}`),
    fc.constant(`Bearer ${fake.signToken({ appId: '11111111-2222-3333-4444-555555555555' })}`),
    fc.constant(`Bearer ${fake.signToken({ appId: APP_ID, issuer: 'https://evil.example' })}`),
    fc.constant(`Bearer ${fake.signToken({ appId: APP_ID, expiresInSeconds: -3600 })}`),
    fc.constant(`Bearer ${fake.signToken({ appId: APP_ID, serviceUrl: 'https://smba.trafficmanager.net/emea/' })}`),
    fc.nat({ max: 300 }).map((i) => {
      const token = valid();
      const at = token.length - 2 - (i % 20); // inside the signature, not its last character (whose low bits are padding)
      return `Bearer ${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    }),
  );
}

/** Bodies for /api/messages: activities (whole or mangled), JSON that is no activity, text that is no JSON. */
function teamsBody(serviceUrl: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.oneof(teamsActivity(serviceUrl), mangled(teamsActivity(serviceUrl), ACTIVITY_FIELDS.filter((f) => f !== 'serviceUrl')), notAnActivity).map((json) => JSON.stringify(json)),
    notJson,
  );
}

/**
 * Teams knows the thread a mangled activity names (`…;messageid=<root>`) even when the activity lost its
 * own id, so po-desk's replies there are answered like Teams answers them rather than refused by the fake.
 */
function knowThreadOf(fake: FakeBotConnector, activity: Record<string, unknown>): void {
  const id = (activity.conversation as { id?: unknown } | null | undefined)?.id;
  const [base, root] = typeof id === 'string' ? id.split(';messageid=') : [];
  if (base && root) fake.knowActivity(base, root);
}

// --- Slack --------------------------------------------------------------------------------------------------

describe.each(testDatabaseKinds())('hostile input on POST /slack/events (%s)', (kind) => {
  let t: TestApp;
  let url: string;
  beforeAll(async () => {
    t = await startTestApp(kind);
    addCast(t.fake);
    url = `${t.baseUrl}/slack/events`;
    // A configured product, so that fuzzed commands, clicks and forms reach its data (and there is data to protect).
    t.fake.setChannelMembers(CHANNEL, [ANN, PAT, ALI, BOB, SAM]);
    await t.po(`owner <@${PAT}>`, { userId: ANN });
    await t.po(`stakeholder add <@${SAM}>`, { userId: PAT });
    await t.po('team Checkout', { userId: ALI, channelId: CHANNEL });
  });
  afterAll(async () => {
    await stillServing(t.baseUrl);
    await t?.stop();
  });

  it(
    'refuses every request without a valid, fresh signature with a 4xx and changes nothing',
    () =>
      withoutDbChange(t.app.db.prisma, () =>
        fc.assert(
          fc.asyncProperty(forgedSlackRequest, async ({ body, headers, contentType: type }) => {
            expectRefused(await post(url, body, { 'content-type': type, ...headers }));
          }),
          { numRuns: 1200 },
        ),
      ),
    TIMEOUT,
  );

  it(
    'refuses bodies over 1 MB with a 4xx, signed or not, and changes nothing',
    () =>
      withoutDbChange(t.app.db.prisma, async () => {
        const statuses: Record<string, number | 'reset'>[] = [];
        for (const size of [MB + 1, 2 * MB, 5 * MB]) {
          const command = slashCommandBody({ text: `ask ${'x'.repeat(size)}`, userId: PAT, responseUrl: t.fake.responseUrl('oversized') });
          const event = JSON.stringify({ type: 'event_callback', event_id: `EvBIG${size}`, event: { type: 'app_mention', user: PAT, text: 'x'.repeat(size), channel: CHANNEL, ts: '1.2' } });
          statuses.push({
            size,
            unsigned: await postLarge(url, command, { 'content-type': FORM }),
            signedCommand: await postLarge(url, command, signedHeaders(command, FORM)),
            signedEvent: await postLarge(url, event, signedHeaders(event, JSON_TYPE)),
          });
        }
        const accepted = statuses.filter((s) => Object.values(s).slice(1).some((status) => status !== 'reset' && !refused(status)));
        expect(accepted).toEqual([]);
      }),
    TIMEOUT,
  );

  it(
    'answers every correctly signed odd request without a 5xx',
    () =>
      fc.assert(
        fc.asyncProperty(signedSlackRequest(t.fake.responseUrl('hostile')), async ({ body, contentType: type }) => {
          expect(await post(url, body, signedHeaders(body, type))).toBeLessThan(500);
        }),
        { numRuns: 300 },
      ),
    TIMEOUT,
  );

  it(
    'answers correctly signed bodies it cannot route without a 5xx (in parallel: Bolt gives up on each after 3 s)',
    () =>
      fc.assert(
        fc.asyncProperty(fc.array(signedUnroutableRequest(t.fake.responseUrl('hostile')), { minLength: 60, maxLength: 60 }), async (requests) => {
          const statuses = await Promise.all(requests.map(({ body, contentType: type }) => post(url, body, signedHeaders(body, type))));
          expect(statuses.filter((status) => status >= 500)).toEqual([]);
        }),
        { numRuns: 1 },
      ),
    TIMEOUT,
  );
});

// --- Teams --------------------------------------------------------------------------------------------------

describe.each(testDatabaseKinds())('hostile input on POST /api/messages, with Bot Framework tokens checked (%s)', (kind) => {
  let t: TeamsTestApp;
  let impostor: FakeBotConnector; // signs with a private key the app never trusted
  let url: string;
  beforeAll(async () => {
    t = await startTeamsTestApp(kind, { credentials: true });
    impostor = await FakeBotConnector.start();
    url = `${t.baseUrl}/api/messages`;
  });
  afterAll(async () => {
    await stillServing(t.baseUrl);
    await t?.stop();
    await impostor?.close();
  });

  it(
    'refuses every request without a valid token, or that is no activity, with a 4xx and changes nothing',
    async () => {
      await withoutDbChange(t.app.db.prisma, () =>
        fc.assert(
          fc.asyncProperty(forgedAuthorization(t.fake, impostor), teamsBody(t.fake.url), fc.oneof({ weight: 3, arbitrary: fc.constant(JSON_TYPE) }, contentType), async (authorization, body, type) => {
            const status = await post(url, body, { 'content-type': type, ...(authorization !== undefined ? { authorization } : {}) });
            expectRefused(status);
          }),
          { numRuns: 800 },
        ),
      );
      expect(t.fake.calls).toEqual([]); // not a word sent to anybody
    },
    TIMEOUT,
  );

  it(
    'refuses what is no activity with a 4xx even with a valid token, and changes nothing',
    () =>
      withoutDbChange(t.app.db.prisma, () =>
        fc.assert(
          fc.asyncProperty(fc.oneof(notAnActivity.map((json) => JSON.stringify(json)), notJson), async (body) => {
            expectRefused(await post(url, body, { 'content-type': JSON_TYPE, authorization: `Bearer ${t.fake.signToken({ appId: APP_ID })}` }));
          }),
          { numRuns: 200 },
        ),
      ),
    TIMEOUT,
  );

  it(
    'refuses activities over 1 MB with a 413 and changes nothing',
    () =>
      withoutDbChange(t.app.db.prisma, async () => {
        const huge = JSON.stringify(channelMessage(TEAMS_ANN, 'x'.repeat(MB), { serviceUrl: t.fake.url }));
        expect(await postLarge(url, huge, { 'content-type': JSON_TYPE })).toBe(413);
        expect(await postLarge(url, huge, { 'content-type': JSON_TYPE, authorization: `Bearer ${t.fake.signToken({ appId: APP_ID })}` })).toBe(413);
      }),
    TIMEOUT,
  );

  /** POSTs each activity as the Bot Framework service would, signed, into a thread Teams knows. */
  const answersWithout5xx = (activities: fc.Arbitrary<Record<string, unknown>>, numRuns: number) =>
    fc.assert(
      fc.asyncProperty(activities, async (activity) => {
        knowThreadOf(t.fake, activity);
        expect((await t.send(activity)).status).toBeLessThan(500);
      }),
      { numRuns },
    );

  it('answers correctly signed messages saying hostile things without a 5xx', () => answersWithout5xx(teamsMessage(t.fake.url), 150), TIMEOUT);

  it('answers correctly signed invokes of any name and value without a 5xx', () => answersWithout5xx(teamsInvoke(t.fake.url), 100), TIMEOUT);

  it('answers correctly signed mangled activities (fields missing or of the wrong type) without a 5xx', () => answersWithout5xx(mangled(teamsActivity(t.fake.url)), 200), TIMEOUT);
});
