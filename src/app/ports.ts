import type { PersonRef, ProductState } from '../domain/product.js';
import type { WorkingHours } from '../domain/working-hours.js';
import type { Message } from '../messages/model.js';

/** What a use case may ask a chat platform directly (reads only; writes go through the outbox). */
export interface Directory {
  lookupUser(platformUserId: string): Promise<UserProfile | undefined>;
  channelMembers(channelId: string): Promise<string[]>;
}

export interface UserProfile {
  platformUserId: string;
  displayName: string;
  timeZone: string | undefined;
  isBot: boolean;
  isAdmin: boolean;
  deleted: boolean;
}

export type Platform = 'slack' | 'teams' | 'playground';

/** An outgoing message as a use case sees it; the dispatcher resolves keys to platform ids. */
export type Delivery =
  | { kind: 'post'; channelId: string; message: Message; messageKey?: string; threadKey?: string; threadId?: string }
  | { kind: 'dm'; userId: string; message: Message; messageKey?: string; reportTo?: ReportTo }
  | { kind: 'ephemeral'; channelId: string; userId: string; message: Message }
  | { kind: 'update'; messageKey: string; message: Message };

/** Who to tell, and where, when a private message can never be delivered (e.g. Teams cannot open a 1:1). */
export interface ReportTo {
  userId: string;
  channelId: string;
  recipientName: string;
  /** Where userId and channelId are: the reporter's workspace may differ from the recipient's. */
  platform: Platform;
  workspaceExternalId: string;
}

export interface WorkspaceRef {
  id: string;
  platform: Platform;
  externalId: string;
  productId: string | undefined;
}

export interface NewPerson {
  platformUserId: string;
  displayName: string;
  timeZone: string | undefined;
}

export interface NewLinkCode {
  codeHash: string;
  productId: string;
  kind: 'workspace' | 'person';
  personId: string | undefined;
  createdById: string;
  expiresAt: Date;
}

export interface LinkCodeEntry {
  productId: string;
  kind: 'workspace' | 'person';
  personId: string | undefined;
  createdById: string;
}

/** Everything a use case may read or change, inside one transaction. */
export interface Tx {
  workspace(platform: Platform, externalId: string, name?: string): Promise<WorkspaceRef>;
  createProduct(workspaceId: string, name: string): Promise<string>;
  productState(productId: string): Promise<ProductState>;
  /** Finds people by platform user id; creates the missing ones from their profiles. */
  ensurePersons(productId: string, workspaceId: string, people: NewPerson[]): Promise<PersonRef[]>;
  findPerson(workspaceId: string, platformUserId: string): Promise<PersonRef | undefined>;
  personsByIds(productId: string, ids: string[]): Promise<PersonRef[]>;
  setWorkingHours(personId: string, hours: WorkingHours): Promise<void>;
  workingHours(personId: string): Promise<WorkingHours>;
  setOwner(productId: string, personId: string, assignedById: string | undefined): Promise<void>;
  addAdmin(productId: string, personId: string): Promise<void>;
  createTeam(productId: string, workspaceId: string, channelId: string, name: string): Promise<string>;
  renameTeam(teamId: string, name: string): Promise<void>;
  addMembers(teamId: string, personIds: string[]): Promise<void>;
  removeMembers(teamId: string, personIds: string[]): Promise<void>;
  /** Removes the person from every roster of the product. */
  removeFromAllTeams(productId: string, personId: string): Promise<void>;
  addStakeholders(productId: string, personIds: string[]): Promise<void>;
  removeStakeholders(productId: string, personIds: string[]): Promise<void>;
  /** Puts the workspace in a product (another workspace of the same organisation joins it). */
  attachWorkspace(workspaceId: string, productId: string): Promise<void>;
  createLinkCode(code: NewLinkCode): Promise<void>;
  /** Marks an unused, unexpired code used and returns it; undefined if there is no such code. */
  takeLinkCode(codeHash: string, now: Date): Promise<LinkCodeEntry | undefined>;
  /** Makes `aliasId` stand for `personId` (same human, another account): its roles move to `personId`. */
  linkPerson(productId: string, aliasId: string, personId: string): Promise<void>;
  /** The workspace a person's account is in. */
  workspaceOfPerson(personId: string): Promise<{ id: string; platform: Platform; externalId: string }>;
  /**
   * Queues a message. A `dm` goes to the recipient's own workspace, which may differ from `workspace`
   * when the product spans several (a Slack workspace and a Teams tenant, say).
   */
  enqueue(workspace: WorkspaceRef, delivery: Delivery): Promise<void>;
  audit(productId: string | undefined, actorId: string | undefined, action: string, details?: Record<string, unknown>): Promise<void>;
}

export interface Store {
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}
