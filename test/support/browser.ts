import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); Playwright's own browser download cannot work here. */
export const CHROMIUM = process.env.PODESK_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots of browser tests (git-ignored). */
export const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');

/**
 * Why the browser tests cannot run on this machine, or undefined when they can. In CI a missing
 * browser is an error (`.ci/run` installs it), never a silent skip.
 */
export function browserMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const missing = `Chromium not found at ${CHROMIUM}.`;
  if (process.env.CI) throw new Error(`${missing} In CI the browser tests must run: .ci/run installs Chromium with apt-get before the tests.`);
  return `${missing} The browser tests are skipped: install it with \`sudo apt-get install chromium\` (or point PODESK_CHROMIUM at a Chromium).`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // This machine's network is closed: Chromium's own background traffic would only fail.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Saves a full-page screenshot as test/artifacts/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/**
 * Waits until the playground page shows `person` (and `channelId`, when given) with their messages
 * loaded: "You are", the URL hash and the page's own `<body data-as data-channel>` (set only once a
 * switch is complete) all agree, and no workspace request is still on its way.
 */
export async function waitUntilShown(page: Page, person: string, channelId?: string): Promise<void> {
  const want = JSON.stringify({ person, channelId: channelId ?? null });
  // A string, not a function: the page runs it as written (no test-compiler helpers).
  await page.waitForFunction(`(() => {
    const want = ${want};
    const hash = new URLSearchParams(location.hash.slice(1));
    const shown = document.body.dataset;
    return document.querySelector('#you-are').value === want.person && hash.get('as') === want.person && shown.as === want.person &&
      hash.get('c') === shown.channel && (want.channelId === null || shown.channel === want.channelId) && !('workspaceLoading' in shown);
  })()`);
}
