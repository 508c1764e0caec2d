/**
 * The playground story, clicked through in a real browser (Debian's Chromium driven by playwright-core).
 * Every feature adds its own steps here. Screenshots of each step go to test/artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Route } from 'playwright-core';
import { browserMissing, launchChromium, screenshot, waitUntilShown } from '../support/browser.js';
import { startPlaygroundApp } from '../support/playground-client.js';

const missing = browserMissing();
if (missing) console.warn(missing);

describe.skipIf(missing !== undefined)('the playground in a browser', () => {
  let started: Awaited<ReturnType<typeof startPlaygroundApp>>;
  let browser: Browser;
  let page: Page;

  const log = () => page.locator('#messages');
  const channel = (name: string) => page.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name, exact: true });
  /** Picks "You are" and waits until the switch is complete (the workspace and messages are theirs). */
  async function as(who: string) {
    const [person] = await page.selectOption('#you-are', { label: who });
    await waitUntilShown(page, person!);
  }
  /** Types into the composer and sends with Enter, as a person would; waits until the send was accepted. */
  async function type(text: string) {
    await page.fill('#composer', text);
    await page.press('#composer', 'Enter');
    await expect.poll(() => page.inputValue('#composer')).toBe('');
  }
  /** The slots of the housekeeping runs the clock panel lists. */
  async function housekeepingRuns(): Promise<string[]> {
    const times = await page.locator('#job-runs li', { hasText: 'housekeeping' }).locator('time').all();
    return Promise.all(times.map(async (t) => (await t.getAttribute('datetime')) ?? ''));
  }

  beforeAll(async () => {
    started = await startPlaygroundApp('pglite');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    // Fail at the step that hangs, naming its locator, well before the test's own timeout.
    page.setDefaultTimeout(8_000);
  });
  afterAll(async () => {
    await browser?.close();
    await started?.stop();
  });

  it('shows the seeded workspace: the PO, the team channels, the stakeholders’ area, the sprint calendar', async () => {
    await page.goto(`${started.baseUrl}/`);
    await expect.poll(() => page.title()).toBe('po-desk playground');
    await page.locator('#product', { hasText: 'Acme Shop' }).waitFor();
    await waitUntilShown(page, 'U-priya', 'C-rocket');
    expect(await page.locator('#you-are option:checked').textContent()).toBe('Priya Patel — Product Owner');
    for (const name of ['#rocket', '#comet', '#stakeholders']) await channel(name).waitFor();
    await page.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: 'po-desk' }).waitFor();
    await page.locator('#calendar').getByText(/Sprint \d+ \(now\)/).waitFor();
    // The PO saw how the demo was set up: the seed typed the same commands a PO would.
    await log().getByText('This channel is now team Rocket of Acme Shop.').waitFor();
    await screenshot(page, '01-seeded-workspace');
  });

  it('answers /po help privately, as on Slack', async () => {
    const help = 'po-desk — the Product Owner’s front desk';
    await type('/po help');
    const reply = log().locator('article', { hasText: help });
    await reply.waitFor();
    await reply.getByText('Only visible to you').waitFor();
    await screenshot(page, '02-help');
    // Alex, in the same channel, does not see Priya's private reply.
    const other = await browser.newPage();
    await other.goto(`${started.baseUrl}/#as=U-alex&c=C-rocket`);
    await waitUntilShown(other, 'U-alex', 'C-rocket');
    expect(await other.locator('#messages').getByText(help).count()).toBe(0);
    await other.close();
  });

  it('lets a team member see the team but refuses a PO handover, saying who may', async () => {
    await as('Alex Kim — Team Rocket · developer');
    await page.locator('#channel-name', { hasText: '#rocket' }).waitFor();
    // The PO's private replies are not Alex's to see.
    await expect.poll(() => log().getByText('This channel is now team Rocket of Acme Shop.').count()).toBe(0);
    await type('/po team');
    await log().getByText('This channel is team Rocket (2 on the roster).').waitFor();
    await type('/po owner @alex');
    await log().getByText('Only the PO (Priya Patel) or an admin (Priya Patel) can hand over the Product Owner role.').waitFor();
    await type('/po stakeholder add @chen');
    await log().getByText(/can change the stakeholders/).waitFor();
    await screenshot(page, '03-refusals');
  });

  it('shows the person chosen last, even when the answer for an earlier choice comes later', async () => {
    // Hold both workspace requests, then answer them in the wrong order.
    const held = new Map<string, Route>();
    const wanted = (url: URL) => url.pathname.endsWith('/workspace') && ['U-chen', 'U-dana'].includes(url.searchParams.get('as') ?? '');
    await page.route(wanted, (route) => void held.set(new URL(route.request().url()).searchParams.get('as')!, route));
    await page.selectOption('#you-are', 'U-chen');
    await page.selectOption('#you-are', 'U-dana');
    await expect.poll(() => held.size).toBe(2);
    await held.get('U-dana')!.continue();
    await page.locator('body[data-as="U-dana"]').waitFor({ state: 'attached' });
    await held.get('U-chen')!.continue(); // late: must not take over
    await page.unroute(wanted);
    await waitUntilShown(page, 'U-dana', 'C-rocket');
    expect(await page.locator('#you-are option:checked').textContent()).toBe('Dana Novak — Team Comet · tester');
    for (const link of await page.locator('.nav a').all()) expect(await link.getAttribute('href')).toContain('as=U-dana');
    // What is typed now goes out as the person "You are" shows.
    await type('Dana from Comet here: is the checkout API changing this sprint?');
    const mine = log().locator('article', { hasText: 'Dana from Comet here: is the checkout API changing this sprint?' });
    expect(await mine.locator('.msg-author').textContent()).toBe('Dana Novak');
  });

  it('removes a stakeholder and puts them back with Undo', async () => {
    await as('Priya Patel — Product Owner');
    await channel('#stakeholders').click();
    await page.locator('#channel-name', { hasText: '#stakeholders' }).waitFor();
    await type('/po stakeholder remove @sam');
    await log().getByText('from the stakeholders.').waitFor();
    await log().getByRole('button', { name: 'Undo' }).click();
    await log().getByText('is a stakeholder of Acme Shop again.').waitFor();
    await type('/po stakeholder');
    await log().getByText(/has 3 stakeholders/).waitFor();
    await screenshot(page, '04-undo');
  });

  it('fills the working-hours form: a field error first, then saved', async () => {
    await type('/po hours edit');
    const dialog = page.getByRole('dialog', { name: 'Working hours' });
    await dialog.waitFor();
    await dialog.getByLabel('End of your working day').fill('08:00');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText('The end of the working day must be after its start').waitFor();
    await screenshot(page, '05-form-error');
    await dialog.getByLabel('End of your working day').fill('16:00');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByText(/Your working hours are now 09:00–16:00/).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('names every control and works from the keyboard', async () => {
    // A string, not a function: the page runs it as written (no test-compiler helpers).
    const unnamed = await page.evaluate(`(() => {
      const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
      const byIds = (ids) => ids.split(/\\s+/).map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
      const name = (el) =>
        el.getAttribute('aria-label') || (el.getAttribute('aria-labelledby') && byIds(el.getAttribute('aria-labelledby'))) ||
        [...(el.labels ?? [])].map((l) => l.textContent).join(' ') || (el.matches('button, a') ? el.textContent : '') || el.getAttribute('title') || '';
      return [...document.querySelectorAll('button, input, select, textarea, a[href]')]
        .filter(visible).filter((el) => !name(el).trim()).map((el) => el.outerHTML.slice(0, 120));
    })()`);
    expect(unnamed).toEqual([]);

    const focused = () => page.evaluate('document.activeElement && (document.activeElement.id || document.activeElement.textContent)');
    await page.click('#composer'); // gives the page the keyboard focus too
    await page.keyboard.type('/po hours edit');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Working hours' });
    await dialog.waitFor();
    await expect.poll(focused).toBe('po-input-start');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(focused).toBe('composer');

    // A button in a message, reached with the keyboard: back from the composer into the messages.
    await page.keyboard.type('/po hours');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.inputValue('#composer')).toBe('');
    const change = log().getByRole('button', { name: 'Change working hours' }).last();
    await change.waitFor();
    for (let i = 0; i < 8 && (await focused()) !== 'Change working hours'; i++) await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('Change working hours');
    await page.keyboard.press('Space');
    await dialog.waitFor();
    await expect.poll(focused).toBe('po-input-start');
    await dialog.getByLabel('End of your working day').fill('17:00');
    await page.keyboard.press('Enter');
    await dialog.getByText(/Your working hours are now 09:00–17:00/).waitFor();
    await expect.poll(focused).toBe('form-close');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    // Saved and closed: focus is back on the button that opened the form, not lost on the page.
    await expect.poll(focused).toBe('Change working hours');
  });

  it('shows a message typed by someone else live, without a reload', async () => {
    await channel('#rocket').click();
    await page.locator('#channel-name', { hasText: '#rocket' }).waitFor();
    const other = await browser.newPage();
    await other.goto(`${started.baseUrl}/#as=U-sam&c=C-rocket`);
    await other.locator('#channel-name', { hasText: '#rocket' }).waitFor();
    await other.fill('#composer', 'Could the team squeeze in PayPal before Black Friday?');
    await other.press('#composer', 'Enter');
    await log().getByText('Could the team squeeze in PayPal before Black Friday?').waitFor();
    // The list is not a live region (a refetch redraws it); the new message alone is announced.
    expect(await log().getAttribute('aria-live')).toBeNull();
    await page.locator('#announcer', { hasText: 'Sam Rivera: Could the team squeeze in PayPal before Black Friday?' }).waitFor({ state: 'attached' });
    await other.close();
    await screenshot(page, '06-live');
  });

  it('moves the clock forward, and the scheduler runs what fell due', async () => {
    expect(await page.textContent('#clock-ahead')).toBe('');
    const before = await housekeepingRuns();
    await page.getByRole('button', { name: '+1 day' }).click();
    await page.locator('#clock-ahead', { hasText: /^\+1 d ahead$/ }).waitFor();
    // The daily housekeeping job (03:17 UTC) falls inside any day: a run that was not listed before.
    await expect.poll(async () => (await housekeepingRuns()).filter((slot) => !before.includes(slot))).toHaveLength(1);
    await screenshot(page, '07-clock');
  });

  describe('a question to the PO', () => {
    const QUESTION = 'Should the order confirmation email list the delivery slot?';
    /** A message at the top of the list (not a reply in a thread) that contains `text`. */
    const topLevel = (text: string) => log().locator(':scope > article', { hasText: text });
    const dmLink = () => page.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: 'po-desk' });

    it('is asked by Alex in #rocket: posted for the team, Alex told privately when to expect an answer', async () => {
      await as('Alex Kim — Team Rocket · developer');
      await channel('#rocket').click();
      await waitUntilShown(page, 'U-alex', 'C-rocket');
      await type(`/po ask ${QUESTION}`);
      const told = log().locator('article', { hasText: 'Sent to @Priya Patel (the Product Owner)' }).last();
      await told.getByText('Only visible to you').waitFor();
      // The anchor arrives through the outbox, for everyone in the channel.
      const anchor = topLevel(QUESTION);
      await anchor.getByText(/⏳ Waiting for @Priya Patel/).waitFor();
      await anchor.getByRole('button', { name: 'Mark resolved' }).waitFor();
      await screenshot(page, '11-question-asked');
    });

    it('is answered by Priya from her DM: the form, then the answer in the question’s thread', async () => {
      await as('Priya Patel — Product Owner');
      await dmLink().click();
      await waitUntilShown(page, 'U-priya', 'D-U-priya');
      const copy = topLevel(QUESTION);
      await copy.getByText('from team Rocket').waitFor();
      await copy.getByRole('button', { name: 'Answer', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Answer the question' });
      await dialog.waitFor();
      // The question is the answer field's hint.
      await dialog.getByText(new RegExp(`Q\\d+: ${QUESTION.replace('?', '\\?')}`)).waitFor();
      await dialog.getByLabel('Your answer').fill('Yes, with the slot’s date and time window; the courier mail repeats it.');
      await screenshot(page, '12-answer-form');
      await dialog.getByRole('button', { name: 'Post answer' }).click();
      await dialog.getByText(/is posted in the question’s thread in team Rocket’s channel/).waitFor();
      await dialog.getByRole('button', { name: 'Close' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await copy.getByText(/✅ Answered by @Priya Patel/).waitFor();
      await copy.getByRole('button', { name: 'Answer again' }).waitFor();
    });

    it('links from the DM to the question in #rocket: answered, with the answer in its thread', async () => {
      await topLevel(QUESTION).getByRole('link', { name: 'open the question' }).click();
      await waitUntilShown(page, 'U-priya', 'C-rocket');
      const anchor = page.locator('#messages > article.msg-linked');
      await anchor.getByText(QUESTION).waitFor();
      await expect.poll(() => page.evaluate('document.activeElement.classList.contains("msg-linked")')).toBe(true);
      await anchor.getByText(/✅ Answered by @Priya Patel — see the thread/).waitFor();
      await anchor.locator('.thread').getByText(/@Alex Kim, an answer from @Priya Patel:/).waitFor();
      await screenshot(page, '13-answer-in-thread');
    });

    it('is marked resolved by Alex, and /po stats counts it', async () => {
      await as('Alex Kim — Team Rocket · developer');
      const anchor = topLevel(QUESTION);
      await anchor.getByRole('button', { name: 'Mark resolved' }).click();
      await anchor.getByText(/☑️ Resolved by @Alex Kim/).waitFor();
      await anchor.getByRole('button', { name: 'Reopen' }).waitFor();
      // This week's: the demo's seeded question history lies in the weeks before.
      await type('/po stats 1');
      const stats = log().locator('article', { hasText: 'PO response times — this week' }).last();
      await stats.getByText('1 asked · 1 responded · 0 waiting').waitFor();
      await screenshot(page, '14-stats');
    });

    it('is asked from a message’s menu with the keyboard, and handed to a customer with the person picker', async () => {
      const said = 'Could the team squeeze in PayPal before Black Friday?';
      await as('Bea Santos — Team Rocket · developer');
      const menuButton = topLevel(said).getByRole('button', { name: /^More actions for Sam Rivera/ });
      await menuButton.focus();
      await page.keyboard.press('Enter');
      const item = topLevel(said).getByRole('menuitem', { name: 'Ask the PO' });
      await expect.poll(() => item.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
      expect(await menuButton.getAttribute('aria-expanded')).toBe('true');
      await screenshot(page, '15-message-menu');
      await page.keyboard.press('Escape');
      await expect.poll(() => menuButton.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await log().locator('article', { hasText: 'Sent to @Priya Patel (the Product Owner)' }).last().waitFor();
      expect(await menuButton.getAttribute('aria-expanded')).toBe('false');
      await topLevel('Question for the PO').filter({ hasText: said }).getByText('from @Bea Santos').waitFor();

      await as('Priya Patel — Product Owner');
      await dmLink().click();
      await waitUntilShown(page, 'U-priya', 'D-U-priya');
      await topLevel(said).getByRole('button', { name: 'Ask a customer' }).click();
      const dialog = page.getByRole('dialog', { name: 'Ask a customer' });
      await dialog.waitFor();
      await dialog.getByLabel('Who knows the answer?').selectOption({ label: 'Sam Rivera — Stakeholder · Sales' });
      await dialog.getByLabel(/A note for them/).fill('You promised it to the customer, I think.');
      await screenshot(page, '16-person-picker');
      await dialog.getByRole('button', { name: 'Ask them' }).click();
      await dialog.getByText(/I sent @Sam Rivera/).waitFor();
      await dialog.getByRole('button', { name: 'Close' }).click();
      await topLevel(said).getByText(/🤝 @Priya Patel asked @Sam Rivera to answer/).waitFor();
      await channel('#rocket').click();
      await waitUntilShown(page, 'U-priya', 'C-rocket');
    });
  });

  describe('a work request', () => {
    const REQUEST = 'Hey team, can you add Apple Pay to the checkout before Black Friday?';

    it('is caught when Sam asks team Rocket directly: a private nudge, and one click sends it to the PO’s intake', async () => {
      await as('Sam Rivera — Stakeholder · Sales');
      await channel('#rocket').click();
      await waitUntilShown(page, 'U-sam', 'C-rocket');
      await type(REQUEST);
      const nudge = log().locator('article', { hasText: 'This reads like a work request for team Rocket' }).last();
      await nudge.getByText('Only visible to you').waitFor();
      await screenshot(page, '17-intake-nudge');
      await nudge.getByRole('button', { name: 'Send to PO intake' }).click();
      await log().getByText(/Sent to the PO’s intake as #\d+\. Thank you!/).waitFor();
      // The team sees it in the message's thread, with the request not to start it yet.
      await log().locator('.thread').getByText(/please don’t start it until the PO decides/).first().waitFor();
    });

    it('is accepted by Priya from /po queue, with its place in the backlog', async () => {
      await as('Priya Patel — Product Owner');
      await page.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: 'po-desk' }).click();
      await waitUntilShown(page, 'U-priya', 'D-U-priya');
      await type('/po queue');
      const queue = log().locator('article', { hasText: 'Waiting for your decision' }).last();
      await queue.getByText(REQUEST).waitFor();
      const row = queue.getByRole('button', { name: 'Accept' });
      await row.last().click();
      const dialog = page.getByRole('dialog', { name: 'Accept into the backlog' });
      await dialog.waitFor();
      await dialog.getByLabel('Where in the backlog?').selectOption({ label: 'At the top of the backlog' });
      await screenshot(page, '18-intake-accept');
      await dialog.getByRole('button', { name: 'Accept' }).click();
      await dialog.getByText(/is accepted, at position 1 of \d+ in the backlog/).waitFor();
      await dialog.getByRole('button', { name: 'Close' }).click();
    });
  });

  it('hands the PO role over: the new PO finds the welcome in their DM, delivered through the outbox', async () => {
    const welcome = 'You are the Product Owner of Acme Shop';
    // Priya's own DM says so since the seed made her PO; Bea's must not, until the handover.
    expect((await started.api.messages('U-bea', 'D-U-bea')).filter((m) => m.text.includes(welcome))).toEqual([]);
    await type('/po owner @bea');
    // The reply to the command (the channel also shows the handover's announcement, and earlier POs').
    await log().getByText(/Bea Santos is now the Product Owner of Acme Shop\. @Priya Patel has been told/).waitFor();
    await as('Bea Santos — Team Rocket · developer');
    await page.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: 'po-desk' }).click();
    await waitUntilShown(page, 'U-bea', 'D-U-bea');
    const message = log().locator('article', { hasText: welcome });
    await message.waitFor();
    expect(await message.locator('.msg-author').textContent()).toBe('po-desk');
    await screenshot(page, '08-new-po-dm');
  });

  it('fits a narrow window: the channel and the composer first, the workspace folded away', async () => {
    const narrow = await browser.newPage({ viewport: { width: 390, height: 760 } });
    await narrow.goto(`${started.baseUrl}/#as=U-alex&c=C-rocket`);
    await waitUntilShown(narrow, 'U-alex', 'C-rocket');
    const box = await narrow.locator('#composer').boundingBox();
    expect(box && box.y + box.height <= 760).toBe(true);
    expect(await narrow.locator('#you-are').isVisible()).toBe(false);
    // The skip links come first in the page: back from the workspace button to "Skip to composer".
    await narrow.click('#product');
    await narrow.keyboard.press('Shift+Tab');
    expect(await narrow.evaluate('document.activeElement.textContent')).toBe('Skip to composer');
    await narrow.keyboard.press('Enter');
    expect(await narrow.evaluate('document.activeElement.id')).toBe('composer');
    await screenshot(narrow, '09-narrow');
    await narrow.getByRole('button', { name: 'Workspace' }).click();
    await narrow.locator('#you-are').waitFor();
    await screenshot(narrow, '10-narrow-workspace');
    await narrow.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: '#comet', exact: true }).click();
    await waitUntilShown(narrow, 'U-alex', 'C-comet');
    await narrow.locator('#you-are').waitFor({ state: 'hidden' });
    await narrow.close();
  });
});
