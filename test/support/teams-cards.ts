/** Reading the Adaptive Cards po-desk sends to Teams: their buttons, and the dialogs invoke answers carry. */

export interface Card {
  body: unknown[];
  actions?: unknown[];
}
export type CardAction = { type: string; title: string; verb?: string; data: Record<string, unknown> };
type Dialog = { task: { type: string; value: { title: string; card: { contentType: string; content: Card } } } };

/** Every titled action (a button) on a card, wherever it sits. */
export function actionsOf(card: unknown): CardAction[] {
  const found: CardAction[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Action.') && typeof o.title === 'string') found.push(o as unknown as CardAction);
    Object.values(o).forEach(walk);
  };
  walk(card);
  return found;
}

/** The card of a sent activity. */
export const cardOf = (activity: Record<string, unknown>) => (activity.attachments as { content: Card }[])[0]!.content;
export const buttonTitles = (card: unknown) => actionsOf(card).map((a) => a.title);

export function buttonOf(card: unknown, title: string): CardAction {
  const found = actionsOf(card).find((a) => a.title === title);
  if (!found) throw new Error(`no button "${title}" on the card; it has ${JSON.stringify(buttonTitles(card))}`);
  return found;
}

/** The dialog (task module) an invoke answered with. */
export const dialogOf = (body: unknown) => (body as Dialog).task;
