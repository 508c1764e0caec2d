import { describe, expect, it } from 'vitest';

import { parseSlackMentions, unescapeSlackText } from '../../../src/adapters/slack/slack-text.js';

describe('parseSlackMentions', () => {
  it('extracts mentions with and without a name, in order', () => {
    expect(parseSlackMentions('review <@U123|alice> and <@W456> please')).toEqual({
      userIds: ['U123', 'W456'],
      rest: 'review and please',
    });
  });

  it('deduplicates, keeping the first position', () => {
    expect(parseSlackMentions('<@U2> <@U1|bob> <@U2|carol> <@U1>').userIds).toEqual(['U2', 'U1']);
  });

  it('collapses whitespace left behind, including tabs and newlines', () => {
    expect(parseSlackMentions('  ask\t<@U1>\n\nabout   <@U2|x>the spec  ').rest).toBe('ask about the spec');
  });

  it('handles adjacent mentions and text glued to a mention', () => {
    expect(parseSlackMentions('<@U1><@U2>hi')).toEqual({ userIds: ['U1', 'U2'], rest: 'hi' });
  });

  it('ignores tokens that are not user mentions', () => {
    const text = 'see <#C123|general> <!here> <!subteam^S1|@devs> <https://x.example|x> @alice <@B123> <@u123>';
    expect(parseSlackMentions(text)).toEqual({ userIds: [], rest: text });
  });

  it('returns nothing for empty text', () => {
    expect(parseSlackMentions('')).toEqual({ userIds: [], rest: '' });
    expect(parseSlackMentions(' \n ')).toEqual({ userIds: [], rest: '' });
  });

  it('keeps escaped entities as Slack sent them', () => {
    expect(parseSlackMentions('<@U1> R&amp;D &lt;now&gt;').rest).toBe('R&amp;D &lt;now&gt;');
  });
});

describe('unescapeSlackText', () => {
  it('decodes the three entities Slack escapes, &amp; last', () => {
    expect(unescapeSlackText('R&amp;D &lt;b&gt; &amp;lt;')).toBe('R&D <b> &lt;');
  });
});
