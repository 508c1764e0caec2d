import { ageOf, type IntakeItem } from '../../domain/intake.js';
import type { PersonRef, ProductState, TeamState } from '../../domain/product.js';
import { UserError } from '../../user-error.js';
import { withProduct, type CommandContext, type Deps, type Loaded } from '../context.js';
import type { Message } from '../../messages/model.js';
import type { IntakeEventRecord, Tx } from '../ports.js';
import { personWorkspace, poCalendar } from '../questions/load.js';

/** An item with everything its messages name: people, team, history, likely duplicates. */
export interface ItemView {
  item: IntakeItem;
  requester: PersonRef;
  /** Everyone asking for it: its own requesters and those of items merged into it. */
  requesters: PersonRef[];
  team: TeamState | undefined;
  po: PersonRef | undefined;
  decidedBy: PersonRef | undefined;
  duplicateOf: IntakeItem | undefined;
  /** Items merged into this one. */
  merged: IntakeItem[];
  /** The history of this item and of the items merged into it, oldest first. */
  events: (IntakeEventRecord & { actor: PersonRef | undefined; itemNumber: number })[];
  suggestions: { item: IntakeItem; score: number }[];
  /** 1-based place in the backlog, for an accepted item. */
  backlogPlace: { index: number; total: number } | undefined;
  age: ReturnType<typeof ageOf>;
  /** The PO's time zone, where a platform cannot show times in each reader's own. */
  timeZone: string;
}

/** What an item is compared by when looking for likely duplicates. */
export const probeOf = (item: IntakeItem) => ({ title: item.title, text: `${item.title} ${item.problem ?? ''}` });

export const GONE = () => new UserError('intake_gone', 'That request no longer exists in this product.');

const unknownPerson = (id: string): PersonRef => ({ id, platformUserId: '', displayName: 'someone' });

export async function itemView(tx: Tx, state: ProductState, item: IntakeItem, now: Date, options: { suggestions?: boolean } = {}): Promise<ItemView> {
  const merged = await tx.intake.list(state.id, { duplicateOfId: item.id });
  const family = [item.id, ...merged.map((m) => m.id)];
  const requesterRows = await tx.intake.requesters([item.id]);
  const events = await tx.intake.events(family);
  const ids = new Set<string>([item.requesterId, ...requesterRows.map((r) => r.personId), ...events.flatMap((e) => (e.actorId ? [e.actorId] : []))]);
  if (item.decidedById) ids.add(item.decidedById);
  const people = new Map((await tx.personsByIds(state.id, [...ids])).map((p) => [p.id, p]));
  const person = (id: string) => people.get(id) ?? unknownPerson(id);
  const duplicateOf = item.duplicateOfId ? (await tx.intake.list(state.id, { ids: [item.duplicateOfId] }))[0] : undefined;
  const suggestions = options.suggestions && (item.status === 'new' || item.status === 'needs-info')
    ? await tx.intake.similar(state.id, probeOf(item), family, 3)
    : [];
  let backlogPlace: ItemView['backlogPlace'];
  if (item.status === 'accepted') {
    const backlog = await tx.intake.backlog(state.id);
    backlogPlace = { index: backlog.findIndex((b) => b.id === item.id) + 1, total: backlog.length };
  }
  const { cal } = await poCalendar(tx, state, item.createdAt);
  const numbers = new Map([item, ...merged].map((i) => [i.id, i.number]));
  return {
    item,
    requester: person(item.requesterId),
    requesters: requesterRows.map((r) => person(r.personId)),
    team: item.teamId ? state.teams.find((t) => t.id === item.teamId) : undefined,
    po: state.owner,
    decidedBy: item.decidedById ? person(item.decidedById) : undefined,
    duplicateOf,
    merged,
    events: events.map((e) => ({ ...e, actor: e.actorId ? person(e.actorId) : undefined, itemNumber: numbers.get(e.itemId) ?? item.number })),
    suggestions,
    backlogPlace,
    age: ageOf(item.createdAt, cal, now),
    timeZone: cal.hours.timeZone,
  };
}

/** Runs `fn` with the item loaded and locked (concurrent decisions on it take turns). */
export async function withItem<T>(ctx: CommandContext, deps: Deps, id: string | undefined, fn: (loaded: Loaded, item: IntakeItem) => Promise<T>): Promise<T> {
  if (!id) throw GONE();
  const out = await withProduct(ctx, deps, { create: false }, async (loaded) => {
    const item = await loaded.tx.intake.get(loaded.state.id, id);
    if (!item) throw GONE();
    return fn(loaded, item);
  });
  if (out === undefined) throw GONE();
  return out;
}

/** DMs each person (in their own workspace), skipping the one who caused it: they see it in their answer. */
export async function tellPeople(tx: Tx, state: ProductState, people: PersonRef[], except: string | undefined, m: (p: PersonRef) => Message): Promise<number> {
  let told = 0;
  for (const p of people) {
    if (p.id === except || p.platformUserId === '') continue;
    await tx.enqueue(await personWorkspace(tx, state, p.id), { kind: 'dm', userId: p.platformUserId, message: m(p) });
    told++;
  }
  return told;
}
