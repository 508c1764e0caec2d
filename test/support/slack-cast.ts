import type { FakeSlack } from './fake-slack.js';

// Slack user ids of the cast the Slack tests share.
export const ANN = 'U0ANN00001'; // first configurer → admin
export const PAT = 'U0PAT00001'; // the PO
export const ALI = 'U0ALI00001'; // team member
export const BOB = 'U0BOB00001'; // team member
export const SAM = 'U0SAM00001'; // stakeholder
export const EVE = 'U0EVE00001'; // nobody in particular
/** The channel that becomes team Checkout. */
export const CHANNEL = 'C0TEAMA001';

const CAST = [
  [ANN, 'ann'],
  [PAT, 'pat'],
  [ALI, 'alice'],
  [BOB, 'bob'],
  [SAM, 'sam'],
  [EVE, 'eve'],
] as const;

/** Makes the cast known to the fake's users.info: user name as given, real name capitalised, in Berlin. */
export function addCast(fake: FakeSlack): void {
  for (const [id, name] of CAST) fake.addUser({ id, name, real_name: name[0]!.toUpperCase() + name.slice(1), tz: 'Europe/Berlin' });
}
