import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext, Deps } from '../../src/app/context.js';
import type { Directory, Store, UserProfile } from '../../src/app/ports.js';
import { showStats } from '../../src/app/questions/show-stats.js';
import type { Message } from '../../src/messages/model.js';
import { renderSlackMessage } from '../../src/messages/render-slack.js';
import { prismaStore } from '../../src/store/prisma-store.js';
import { UserError } from '../../src/user-error.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const HOUR = 3600;
/** Wednesday 11 November 2026, 13:00 in Berlin: the fourth week of the period is this week. */
const NOW = new Date('2026-11-11T12:00:00Z');

const profiles: Record<string, UserProfile> = Object.fromEntries(
  ['U-PO', 'U-DEV', 'U-CUST'].map((id) => [id, { platformUserId: id, displayName: id.slice(2).toLowerCase(), timeZone: 'Europe/Berlin', isBot: false, isAdmin: false, deleted: false }]),
);
const directory: Directory = {
  lookupUser: async (id) => profiles[id],
  channelMembers: async () => [],
};

const ctx = (workspace: string, userId = 'U-DEV'): CommandContext => ({
  platform: 'slack',
  workspaceExternalId: workspace,
  workspaceName: 'acme',
  channelId: 'C-APOLLO',
  inDirectMessage: false,
  userId,
});

/** The message as Slack gets it: each block's mrkdwn (escaped), one per line; fields as "label: value". */
function text(m: Message): string {
  return renderSlackMessage(m)
    .blocks.flatMap((b): string[] => {
      if (b.type === 'header') return [b.text.text];
      if (b.type === 'section') return b.fields ? b.fields.map((f) => f.text.replace('*\n', ':* ')) : [b.text!.text];
      if (b.type === 'context') return b.elements.map((e) => ('text' in e ? e.text : ''));
      if (b.type === 'divider') return ['---'];
      return [];
    })
    .join('\n');
}

describe('/po stats', () => {
  let database: TestDatabase;
  let store: Store;
  let deps: Deps;

  /** A product whose PO works 09:00–17:00 in Berlin, with teams and questions asked at known times. */
  async function seed(workspace: string, questions: { team: number; askedAt: string; businessSec?: number; wallSec?: number; handed?: boolean; resolved?: boolean; escalated?: boolean }[], teamNames: string[]) {
    const { productId, teamIds, personIds } = await store.transaction(async (tx) => {
      const ws = await tx.workspace('slack', workspace, 'acme');
      const productId = await tx.createProduct(ws.id, 'acme');
      const people = await tx.ensurePersons(productId, ws.id, Object.values(profiles));
      const [po] = people;
      await tx.setOwner(productId, po!.id, undefined);
      await tx.setWorkingHours(po!.id, { timeZone: 'Europe/Berlin', startMin: 9 * 60, endMin: 17 * 60, days: [1, 2, 3, 4, 5] });
      const teamIds: string[] = [];
      for (const [i, name] of teamNames.entries()) teamIds.push(await tx.createTeam(productId, ws.id, `C-${i}`, name));
      return { productId, teamIds, personIds: people.map((p) => p.id) };
    });
    await database.db.prisma.question.createMany({
      data: questions.map((q, i) => ({
        productId,
        number: i + 1,
        teamId: teamIds[q.team]!,
        askerId: personIds[1]!,
        text: `question ${i + 1}`,
        source: 'command',
        askedAt: new Date(q.askedAt),
        firstResponseAt: q.businessSec === undefined ? null : new Date(Date.parse(q.askedAt) + q.wallSec! * 1000),
        firstResponseKind: q.businessSec === undefined ? null : q.handed ? 'handoff' : 'answer',
        firstResponseBusinessSec: q.businessSec ?? null,
        firstResponseWallSec: q.wallSec ?? null,
        handedToId: q.handed ? personIds[2]! : null,
        resolvedAt: q.resolved ? new Date(Date.parse(q.askedAt) + (q.escalated ? 6 * HOUR : 60) * 1000) : null,
        // The nudge job told the team the target passed.
        escalatedAt: q.escalated ? new Date(Date.parse(q.askedAt) + 5 * HOUR * 1000) : null,
      })),
    });
  }

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    store = prismaStore(database.db.prisma);
    deps = { store, directory, clock: { now: () => NOW } };
    await seed(
      'T-STATS',
      [
        // Week of 19 October (Monday 00:00 Berlin is Sunday 22:00 UTC)
        { team: 0, askedAt: '2026-10-18T21:00:00Z', businessSec: 99 * HOUR, wallSec: 99 * HOUR }, // Sunday 23:00: before the period
        { team: 0, askedAt: '2026-10-19T08:00:00Z', businessSec: 30 * 60, wallSec: 30 * 60 },
        { team: 1, askedAt: '2026-10-20T08:00:00Z', businessSec: 2 * HOUR, wallSec: 2 * HOUR, handed: true },
        // Week of 26 October
        { team: 0, askedAt: '2026-10-27T08:00:00Z', businessSec: 6 * HOUR, wallSec: 22 * HOUR },
        // The target passed without a response, then the asker resolved it: a miss all the same.
        { team: 0, askedAt: '2026-10-28T08:00:00Z', resolved: true, escalated: true },
        // Week of 2 November: none
        // This week
        { team: 1, askedAt: '2026-11-09T09:00:00Z', businessSec: 45 * 60, wallSec: 45 * 60, handed: true },
        { team: 0, askedAt: '2026-11-11T10:00:00Z' }, // waiting, within the target so far: not counted yet
      ],
      ['Apollo', 'Zephyr <!channel>'],
    );
    // An absent PO: one quick response, nine questions that passed the target without one (three resolved by the asker).
    await seed(
      'T-ABSENT',
      [
        { team: 0, askedAt: '2026-11-02T09:00:00Z', businessSec: 10 * 60, wallSec: 10 * 60 },
        ...Array.from({ length: 9 }, (_, i) => ({ team: 0, askedAt: `2026-11-0${3 + (i % 3)}T09:0${i}:00Z`, escalated: true, resolved: i < 3 })),
      ],
      ['Apollo'],
    );
    await seed('T-QUIET', [], ['Lonely']);
  });
  afterAll(async () => database?.drop());

  it('shows medians, the 90th percentile, the target share, counts, the handed-off share, the weekly trend and each team', async () => {
    const m = await showStats(ctx('T-STATS'), deps, undefined);
    expect(m.blocks[0]).toEqual({ type: 'header', text: 'PO response times — last 4 weeks' });
    // Business: 30 min, 45 min, 2 h, 6 h → median 1 h 23 min (82.5 min), p90 4 h 48 min (interpolated).
    // Wall-clock: 30 min, 45 min, 2 h, 22 h → median 1 h 23 min, p90 16 h.
    expect(text(m)).toBe(
      [
        'PO response times — last 4 weeks',
        '*Median to first response:* 1 h 23 min working time · 1 h 23 min in all',
        '*90th percentile:* 4 h 48 min working time · 16 h in all',
        // 30 min, 2 h and 45 min of 4 responses, and 1 question that passed the target unanswered.
        '*Within the target (4 h):* 60 % of 5 questions (1 past it without a response)',
        '*Questions:* 6 asked · 4 responded · 1 waiting · 1 resolved without a response',
        '*Handed to a customer or stakeholder:* 50 % of 4 responses',
        'Handing a question to the customer or stakeholder who knows lets the team clarify with them directly — healthy. A PO who relays every answer becomes a bottleneck.',
        // Weekly medians: 1 h 15 min, 6 h, none, 45 min. Previous 3 weeks: 30 min, 2 h, 6 h → 2 h.
        '*Weekly median (working time):* `▂█·▁`  this week 45 min · previous 3 weeks 2 h',
        'Weeks start on Monday (Europe/Berlin); the first one is Mon 19 Oct. · marks a week without responses.',
        '---',
        '*Per team*',
        '• *Apollo* — median 3 h 15 min · 90th percentile 5 h 27 min · 4 asked · 1 waiting · 33 % within target (1 past it without a response)',
        '• *Zephyr &lt;!channel&gt;* — median 1 h 23 min · 90th percentile 1 h 53 min · 2 asked · 100 % within target · 2 handed off',
      ].join('\n'),
    );
  });

  it('looks back as many weeks as asked, and this week alone with 1', async () => {
    const eight = await showStats(ctx('T-STATS'), deps, '8');
    expect(text(eight)).toContain('PO response times — last 8 weeks');
    // The question asked Sunday 23:00 in Berlin (99 h) falls in the week of 12 October: 30 min, 2 h, 6 h, 99 h before this week.
    expect(text(eight)).toContain('`···█▁▁·▁`  this week 45 min · previous 7 weeks 4 h');
    expect(text(eight)).toContain('the first one is Mon 21 Sept.');

    const one = await showStats(ctx('T-STATS'), deps, '1');
    expect(text(one)).toContain('PO response times — this week');
    expect(text(one)).toContain('*Questions:* 2 asked · 1 responded · 1 waiting');
    expect(text(one)).toContain('`▄`  this week 45 min\n');
    expect(text(one)).toContain('• *Apollo* — 1 asked · no responses yet');
  });

  it('counts questions that passed the target without a response as missed, so an absent PO does not look punctual', async () => {
    const m = text(await showStats(ctx('T-ABSENT'), deps, undefined));
    expect(m).toContain('*Within the target (4 h):* 10 % of 10 questions (9 past it without a response)');
    expect(m).toContain('*Questions:* 10 asked · 1 responded · 6 waiting · 3 resolved without a response');
    expect(m).toContain('• *Apollo* — median 10 min · 90th percentile 10 min · 10 asked · 6 waiting · 10 % within target (9 past it without a response)');
    // This week alone: no questions at all.
    expect(text(await showStats(ctx('T-ABSENT'), deps, '1'))).toContain('No questions to the PO this week');
  });

  it('is open to anyone in the product, the PO included', async () => {
    expect(text(await showStats(ctx('T-STATS', 'U-CUST'), deps, undefined))).toContain('*Questions:* 6 asked');
    expect(text(await showStats(ctx('T-STATS', 'U-PO'), deps, undefined))).toContain('*Questions:* 6 asked');
  });

  it('says so, and how to ask, when there are no questions', async () => {
    expect(text(await showStats(ctx('T-QUIET'), deps, undefined))).toBe(
      [
        'PO response times — last 4 weeks',
        'No questions to the PO in the last 4 weeks, so there is nothing to measure yet.',
        'Team members ask from their team channel with `/po ask &lt;question&gt;`; the PO’s response times show up here.',
      ].join('\n'),
    );
  });

  it('names teams that asked nothing', async () => {
    await store.transaction(async (tx) => {
      const ws = await tx.workspace('slack', 'T-STATS');
      await tx.createTeam(ws.productId!, ws.id, 'C-NEW', 'Nebula');
    });
    expect(text(await showStats(ctx('T-STATS'), deps, undefined))).toContain('No questions from: Nebula.');
  });

  it('refuses a number of weeks it cannot show', async () => {
    for (const weeks of ['0', '27', 'lots', '-1']) {
      await expect(showStats(ctx('T-STATS'), deps, weeks)).rejects.toThrow(expect.objectContaining({ code: 'stats_weeks' }) as UserError);
    }
    await expect(showStats(ctx('T-STATS'), deps, '27')).rejects.toThrow('from 1 to 26');
  });

  it('tells a workspace without a product how to start', async () => {
    expect(text(await showStats(ctx('T-NOTHING'), deps, undefined))).toContain('not set up in this workspace yet');
  });
});
