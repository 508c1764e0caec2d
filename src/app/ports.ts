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
  enqueue(workspace: WorkspaceRef, delivery: Delivery): Promise<void>;
  audit(productId: string | undefined, actorId: string | undefined, action: string, details?: Record<string, unknown>): Promise<void>;
}

export interface Store {
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}
