import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { addCast, PAT } from '../../support/slack-cast.js';
import { postToSlackEndpoint, slashCommandBody } from '../../support/slack-requests.js';
import { slackEnv, startAppOn, type StartedApp } from '../../support/test-app.js';
import { testDatabaseKinds } from '../../support/test-database.js';

/**
 * po-desk asks Slack who its bot is (auth.test) as it starts. Slack's API failing at that moment must not
 * stop it, nor every request after it; a bot token Slack refuses is a wrong setting, said as one.
 */
describe('the bot token at start', () => {
  const kind = testDatabaseKinds()[0]!;
  let fake: FakeSlack | undefined;
  let started: StartedApp | undefined;
  afterEach(async () => {
    await started?.stop();
    await fake?.close();
    started = undefined;
    fake = undefined;
  });

  const ownerCommand = () => slashCommandBody({ text: `owner <@${PAT}>`, userId: PAT, responseUrl: fake!.responseUrl('po-command') });
  const send = async (body: string) => postToSlackEndpoint(started!.baseUrl, body, { contentType: 'application/x-www-form-urlencoded' });
  const authTests = () => fake!.calls.filter((c) => c.method === 'auth.test').length;

  it("starts while Slack's API fails, refuses requests (401) until Slack answers, then serves them", async () => {
    fake = await FakeSlack.start();
    addCast(fake);
    // Slack's API answers 503 as po-desk starts, and again when the first request asks who the bot is.
    fake.failNext('auth.test', { status: 503 }, 2);
    started = await startAppOn(kind, slackEnv(fake));
    expect(authTests()).toBe(1);

    const refused = await send(ownerCommand());
    expect(refused.status).toBe(401); // Slack shows the person an error; nothing was acknowledged
    expect(await started.app.db.prisma.product.count()).toBe(0);

    const served = await send(ownerCommand());
    expect(served.status).toBe(200);
    expect(JSON.stringify(served.json)).toContain(`<@${PAT}> is now the Product Owner`);
    expect(await started.app.db.prisma.productOwner.count()).toBe(1);

    // Asked once more for that request, and then kept.
    expect((await send(slashCommandBody({ text: 'help', userId: PAT }))).status).toBe(200);
    expect(authTests()).toBe(3);
    expect(fake.unexpected).toEqual([]);
  });

  it.each(['invalid_auth', 'token_revoked'])('does not start when Slack refuses the bot token (%s), and says which setting to fix', async (error) => {
    fake = await FakeSlack.start();
    fake.failNext('auth.test', { error });
    const starting = startAppOn(kind, slackEnv(fake));
    await expect(starting).rejects.toBeInstanceOf(ConfigError);
    await expect(starting).rejects.toThrow(new RegExp(`^SLACK_BOT_TOKEN: Slack refused it \\(${error}\\); copy the Bot User OAuth Token`));
  });
});
