import type { Actor, PersonRef, ProductState } from '../domain/product.js';
import type { Directory, Platform, Store, Tx, UserProfile, WorkspaceRef } from './ports.js';
import type { Clock } from '../clock.js';
import { UserError } from '../user-error.js';

/** Where a command came from: the platform, workspace, channel and person. */
export interface CommandContext {
  platform: Platform;
  workspaceExternalId: string;
  workspaceName: string | undefined;
  channelId: string;
  inDirectMessage: boolean;
  userId: string;
  /** The platform's id of this request, when it may be delivered twice (a retried slash command). */
  requestKey?: string;
}

export interface Deps {
  store: Store;
  directory: Directory;
  clock: Clock;
}

export interface Loaded {
  tx: Tx;
  workspace: WorkspaceRef;
  state: ProductState;
  caller: PersonRef;
  actor: Actor;
}

export async function lookupUser(directory: Directory, platformUserId: string): Promise<UserProfile> {
  const profile = await directory.lookupUser(platformUserId);
  if (!profile) throw new UserError('user_not_found', `I can't find the user <${platformUserId}> in this workspace.`);
  return profile;
}

/**
 * Runs `fn` in one transaction with the caller's product loaded. When `create` is set and the
 * workspace has no product yet, one is created and the caller becomes its admin.
 */
export async function withProduct<T>(
  ctx: CommandContext,
  deps: Deps,
  options: { create: boolean },
  fn: (loaded: Loaded) => Promise<T>,
): Promise<T | undefined> {
  const callerProfile = await lookupUser(deps.directory, ctx.userId);
  return deps.store.transaction(async (tx) => {
    let workspace = await tx.workspace(ctx.platform, ctx.workspaceExternalId, ctx.workspaceName);
    let created = false;
    if (workspace.productId === undefined) {
      if (!options.create) return undefined;
      const productId = await tx.createProduct(workspace.id, ctx.workspaceName ?? 'Our product');
      workspace = { ...workspace, productId };
      created = true;
    }
    const productId = workspace.productId!;
    const [caller] = await tx.ensurePersons(productId, workspace.id, [toNewPerson(callerProfile)]);
    if (created) {
      await tx.addAdmin(productId, caller!.id);
      await tx.audit(productId, caller!.id, 'product.created', { workspace: ctx.workspaceExternalId });
    }
    const state = await tx.productState(productId);
    const actor: Actor = { personId: caller!.id, isWorkspaceAdmin: callerProfile.isAdmin };
    return fn({ tx, workspace, state, caller: caller!, actor });
  });
}

export function toNewPerson(p: UserProfile) {
  return { platformUserId: p.platformUserId, displayName: p.displayName, timeZone: p.timeZone };
}
