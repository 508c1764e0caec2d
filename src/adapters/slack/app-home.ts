import type { WebClient } from '@slack/web-api';
import type { Logger } from 'pino';
import type { CommandContext, Deps } from '../../app/context.js';
import { dashboard } from '../../app/dashboard/dashboard.js';
import { replyForError } from '../../app/replies.js';
import { renderSlackMessage } from '../../messages/render-slack.js';
import type { SlackRoutes } from './slack-routes.js';

/** The App Home tab: the dashboard, published for the person who opened it (and again after a click on it). */
export function registerAppHome(routes: SlackRoutes, deps: Deps, log: Logger): void {
  routes.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home' || typeof body.team_id !== 'string') return;
    await publishHome(client, deps, body.team_id, event.user, log);
  });
}

export async function publishHome(client: WebClient, deps: Deps, team: string, user: string, log: Logger): Promise<void> {
  const ctx: CommandContext = { platform: 'slack', workspaceExternalId: team, workspaceName: undefined, channelId: '', inDirectMessage: true, userId: user };
  let m;
  try {
    m = await dashboard(ctx, deps);
  } catch (error) {
    m = replyForError(error, log);
  }
  try {
    await client.views.publish({ user_id: user, view: { type: 'home', blocks: renderSlackMessage(m).blocks } as never });
  } catch (error) {
    log.error({ err: error, user }, 'slack: could not publish the App Home');
  }
}
