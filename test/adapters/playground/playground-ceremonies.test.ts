/**
 * Ceremonies in the playground: the demo's teams have a Daily Scrum, so moving the clock to a weekday
 * morning brings team Rocket's reminder; "I need the PO" asks the PO in its thread. The demo's product
 * has the sidebar's sprint cadence, so `/po sprint` shows the next review.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FormView } from '../../../src/adapters/playground/api-types.js';
import { addDays, isoWeekday, localDate, zonedInstant } from '../../../src/domain/zoned-time.js';
import { startPlaygroundApp, type PlaygroundClient } from '../../support/playground-client.js';
import type { StartedApp } from '../../support/test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';
import { ALEX, dm, PRIYA, ROCKET } from '../../support/playground-cast.js';

describe.each(testDatabaseKinds())('ceremonies in the playground (%s)', (kind) => {
  let started: StartedApp;
  let api: PlaygroundClient;

  beforeAll(async () => {
    ({ api, ...started } = await startPlaygroundApp(kind));
  });
  afterAll(async () => {
    await started?.stop();
  });

  it('shows the demo’s sprint and its next review', async () => {
    await api.say(PRIYA, dm(PRIYA), '/po sprint');
    const reply = (await api.messages(PRIYA, dm(PRIYA))).filter((m) => m.command === '/po sprint').at(-1)!;
    expect(reply.text).toMatch(/Sprint \d+ runs \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2} \(2-week sprints\)\./);
    expect(reply.text).toContain('Next review: Sprint');
  });

  it('posts team Rocket’s Daily Scrum reminder when the clock reaches it; “I need the PO” asks in its thread', async () => {
    // The next weekday, 09:25 in Berlin: after the 09:20 reminder, before the 09:30 meeting.
    let day = addDays(localDate(new Date(), 'Europe/Berlin'), 1);
    while (isoWeekday(day) > 5) day = addDays(day, 1);
    const moved = await api.post('/clock', { to: zonedInstant(day, 9 * 60 + 25, 'Europe/Berlin').toISOString() });
    expect(moved.status).toBe(200);
    const reminder = await api.waitForMessage(ALEX, ROCKET, (m) => m.author === null && m.text.includes('Where do you need the PO today?'));
    const value = /data-action-id="daily\.need-po" data-value="([^"]+)"/.exec(reminder.html)![1]!;
    const opened = await api.post<{ kind: string; form?: FormView }>('/action', { as: ALEX, channelId: ROCKET, messageId: reminder.id, actionId: 'daily.need-po', value });
    expect(opened.json.form).toMatchObject({ callbackId: 'daily.need-po' });
    const done = await api.post<{ kind: string }>('/form', { as: ALEX, channelId: ROCKET, callbackId: 'daily.need-po', metadata: opened.json.form!.metadata, values: { question: 'Can we go through the refund rules after the daily?' } });
    expect(done.json.kind).toBe('done');
    const anchor = await api.waitForMessage(ALEX, ROCKET, (m) => m.threadId === reminder.id && m.text.includes('Can we go through the refund rules after the daily?'));
    expect(anchor.text).toMatch(/Q\d+ · daily scrum/);
  });
});
