import type { Directory } from '../../app/ports.js';
import type { PlaygroundWorkspace } from '../../store/playground-workspace.js';

/** The use cases' Directory for the playground: its seeded people and channel members. */
export function playgroundDirectory(workspace: PlaygroundWorkspace): Directory {
  return {
    async lookupUser(platformUserId) {
      const p = await workspace.person(platformUserId);
      if (!p) return undefined;
      return { platformUserId: p.id, displayName: p.displayName, timeZone: p.timeZone, isBot: false, isAdmin: p.isAdmin, deleted: false };
    },
    channelMembers: (channelId) => workspace.channelMembers(channelId),
  };
}
