/**
 * The playground story, clicked through in a real browser (Debian's Chromium driven by playwright-core).
 * Every feature adds its own steps here. Screenshots of each step go to test/artifacts/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserMissing, launchChromium, screenshot } from '../support/browser.js';
import { startPlaygroundApp } from '../support/playground-client.js';
import type { StartedApp } from '../support/test-app.js';

const missing = browserMissing();
if (missing) console.warn(missing);

describe.skipIf(missing !== undefined)('the playground in a browser', () => {
  let started: StartedApp;
  let browser: Browser;
  let page: Page;

  const log = () => page.locator('#messages');
  const channel = (name: string) => page.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name, exact: true });
  const as = (who: string) => page.selectOption('#you-are', { label: who });
  /** Types into the composer and sends with Enter, as a person would. */
  async function type(text: string) {
    await page.fill('#composer', text);
    await page.press('#composer', 'Enter');
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
    expect(await page.locator('#you-are option:checked').textContent()).toBe('Priya Patel — Product Owner');
    for (const name of ['#rocket', '#comet', '#stakeholders']) await channel(name).waitFor();
    await page.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: 'po-desk' }).waitFor();
    await page.locator('#calendar').getByText(/Sprint \d+ \(now\)/).waitFor();
    // The PO saw how the demo was set up: the seed typed the same commands a PO would.
    await log().getByText('This channel is now team Rocket of Acme Shop.').waitFor();
    await screenshot(page, '01-seeded-workspace');
  });

  it('answers /po help privately, as on Slack', async () => {
    await type('/po help');
    await log().getByText('po-desk — the Product Owner’s front desk').waitFor();
    await expect.poll(() => page.inputValue('#composer')).toBe('');
    await screenshot(page, '02-help');
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

    await page.click('#composer'); // gives the page the keyboard focus too
    await page.keyboard.type('/po hours edit');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Working hours' });
    await dialog.waitFor();
    await expect.poll(() => page.evaluate('document.activeElement && document.activeElement.id')).toBe('po-input-start');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
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
    await other.close();
    await screenshot(page, '06-live');
  });

  it('moves the clock forward, and the scheduler runs what fell due', async () => {
    const before = await page.textContent('#clock-now');
    await page.getByRole('button', { name: '+1 day' }).click();
    await expect.poll(() => page.textContent('#clock-now')).not.toBe(before);
    await page.locator('#clock-ahead', { hasText: /ahead/ }).waitFor();
    // The daily housekeeping job (03:17 UTC) falls inside any day.
    await page.locator('#job-runs', { hasText: 'housekeeping' }).waitFor();
    await screenshot(page, '07-clock');
  });

  it('hands the PO role over: the new PO finds the welcome in their DM, delivered through the outbox', async () => {
    await type('/po owner @bea');
    await log().getByText(/is now the Product Owner of Acme Shop/).waitFor();
    await as('Bea Santos — Team Rocket · developer');
    await page.getByRole('navigation', { name: 'Channels' }).getByRole('link', { name: 'po-desk' }).click();
    await log().getByText('You are the Product Owner of Acme Shop').waitFor();
    await screenshot(page, '08-new-po-dm');
  });
});
