import { describe, expect, it } from 'vitest';
import { messagePayloadText, parseTeamsCommandText, readableTeamsText, type MentionEntity } from '../../../src/adapters/teams/teams-text.js';

const BOT_ID = '28:00000000-0000-0000-0000-00000000b07d';
const mention = (id: string, name: string): MentionEntity => ({ type: 'mention', text: `<at>${name}</at>`, mentioned: { id, name } });
const BOT_MENTION = mention(BOT_ID, 'po-desk');

describe('parseTeamsCommandText', () => {
  it('removes the bot mention', () => {
    expect(parseTeamsCommandText('<at>po-desk</at> help', [BOT_MENTION], BOT_ID)).toEqual({ text: 'help', mentionedIds: [] });
  });

  it('never lists the bot among the mentioned people, wherever it is mentioned', () => {
    const result = parseTeamsCommandText('<at>po-desk</at> owner <at>po-desk</at>', [BOT_MENTION, BOT_MENTION], BOT_ID);
    expect(result).toEqual({ text: 'owner', mentionedIds: [] });
  });

  it('maps two people with the same display name to their own ids, in order', () => {
    const result = parseTeamsCommandText(
      '<at>po-desk</at> stakeholders add <at>Pat</at> and <at>Pat</at>',
      [BOT_MENTION, mention('29:pat-one', 'Pat'), mention('29:pat-two', 'Pat')],
      BOT_ID,
    );
    expect(result).toEqual({ text: 'stakeholders add and', mentionedIds: ['29:pat-one', '29:pat-two'] });
  });

  it('keeps the order of appearance of different people', () => {
    const result = parseTeamsCommandText('members add <at>Sam</at> <at>Ann</at>', [mention('29:sam', 'Sam'), mention('29:ann', 'Ann')], BOT_ID);
    expect(result).toEqual({ text: 'members add', mentionedIds: ['29:sam', '29:ann'] });
  });

  it('collapses a person mentioned twice into one id', () => {
    const result = parseTeamsCommandText('owner <at>Pat</at> <at>Pat</at>', [mention('29:pat', 'Pat'), mention('29:pat', 'Pat')], BOT_ID);
    expect(result).toEqual({ text: 'owner', mentionedIds: ['29:pat'] });
  });

  it('keeps an <at> tag without a matching entity as the plain name', () => {
    const result = parseTeamsCommandText('<at>po-desk</at> owner <at>Sam Lee</at>', [BOT_MENTION], BOT_ID);
    expect(result).toEqual({ text: 'owner Sam Lee', mentionedIds: [] });
  });

  it('ignores entities that are not mentions or lack an id or text', () => {
    const entities: MentionEntity[] = [
      { type: 'clientInfo' },
      { type: 'mention', text: '<at>Ann</at>', mentioned: { name: 'Ann' } },
      { type: 'mention', mentioned: { id: '29:ann', name: 'Ann' } },
    ];
    expect(parseTeamsCommandText('owner <at>Ann</at>', entities, BOT_ID)).toEqual({ text: 'owner Ann', mentionedIds: [] });
  });

  it('strips light HTML and decodes &nbsp;', () => {
    const result = parseTeamsCommandText('<p><at>po-desk</at> owner&nbsp;<at>Pat</at></p>', [BOT_MENTION, mention('29:pat', 'Pat')], BOT_ID);
    expect(result).toEqual({ text: 'owner', mentionedIds: ['29:pat'] });
  });

  it('turns <br> and block tags into spaces', () => {
    const result = parseTeamsCommandText('<div>hours</div><div>9-17<br>Europe/Berlin<br/>now</div>', [], BOT_ID);
    expect(result.text).toBe('hours 9-17 Europe/Berlin now');
  });

  it('decodes escaped markup into literal text instead of stripping it', () => {
    expect(parseTeamsCommandText('<p>say &lt;b&gt;hi&lt;/b&gt; &amp; &quot;bye&quot; &apos;x&apos;</p>', [], BOT_ID).text).toBe(`say <b>hi</b> & "bye" 'x'`);
  });

  it('decodes only once (&amp;lt; stays &lt;)', () => {
    expect(parseTeamsCommandText('a &amp;lt; b', [], BOT_ID).text).toBe('a &lt; b');
  });

  it('decodes numeric entities, decimal and hex', () => {
    expect(parseTeamsCommandText('pat&#64;example.com ann&#x40;example.com sam&#X40;example.com', [], BOT_ID).text).toBe(
      'pat@example.com ann@example.com sam@example.com',
    );
  });

  it('leaves invalid numeric entities and unknown names as typed', () => {
    expect(parseTeamsCommandText('a&#0;b c&#x110000;d &bogus; &#x10FFFF;', [], BOT_ID).text).toBe('a&#0;b c&#x110000;d &bogus; \u{10ffff}');
  });

  it('strips a leading "/po " or "po " but not "pong"', () => {
    expect(parseTeamsCommandText('/po owner', [], BOT_ID).text).toBe('owner');
    expect(parseTeamsCommandText('po owner', [], BOT_ID).text).toBe('owner');
    expect(parseTeamsCommandText('PO  owner', [], BOT_ID).text).toBe('owner');
    expect(parseTeamsCommandText('<at>po-desk</at> /po help', [BOT_MENTION], BOT_ID).text).toBe('help');
    expect(parseTeamsCommandText('/po', [], BOT_ID).text).toBe('');
    expect(parseTeamsCommandText('pong', [], BOT_ID).text).toBe('pong');
    expect(parseTeamsCommandText('/pong', [], BOT_ID).text).toBe('/pong');
    expect(parseTeamsCommandText('owner po', [], BOT_ID).text).toBe('owner po');
  });

  it('collapses whitespace', () => {
    expect(parseTeamsCommandText('  hours \n\t 9-17\u00a0\u00a0 Europe/Berlin  ', [], BOT_ID).text).toBe('hours 9-17 Europe/Berlin');
  });

  it('returns an empty command for empty text', () => {
    expect(parseTeamsCommandText('', [], BOT_ID)).toEqual({ text: '', mentionedIds: [] });
    expect(parseTeamsCommandText('<at>po-desk</at>', [BOT_MENTION], BOT_ID)).toEqual({ text: '', mentionedIds: [] });
    expect(parseTeamsCommandText('<p>&nbsp;</p>', [], BOT_ID)).toEqual({ text: '', mentionedIds: [] });
  });
});

describe('readableTeamsText', () => {
  it("drops po-desk's own mention and keeps other people's as @Name", () => {
    const text = readableTeamsText('<at>po-desk</at> Should <at>Sam Lee</at> see prices?', [BOT_MENTION, mention('29:sam', 'Sam Lee')], BOT_ID);
    expect(text).toBe('Should @Sam Lee see prices?');
  });

  it('keeps paragraphs and line breaks as new lines, decodes entities, and keeps typed markup literal', () => {
    const html = '<p>Yes:&nbsp;<b>Friday</b></p><p>&lt;at&gt;all&lt;/at&gt; &amp; QA<br>10:00</p>';
    expect(readableTeamsText(html, [], BOT_ID)).toBe('Yes: Friday\n<at>all</at> & QA\n10:00');
  });
});

describe('messagePayloadText', () => {
  const APP_ID = '00000000-0000-0000-0000-00000000b07d';

  it('turns the HTML body into text, with people mentioned as @Name and po-desk itself left out', () => {
    const text = messagePayloadText(
      {
        body: { contentType: 'html', content: '<div><div><at id="0">po-desk</at> <at id="1">Pat</at> can guests see prices&nbsp;before login?</div>\n</div>' },
        mentions: [
          { id: 0, mentionText: 'po-desk', mentioned: { application: { id: APP_ID } } },
          { id: 1, mentionText: 'Pat', mentioned: { user: { id: 'aad-pat' } } },
        ],
      },
      APP_ID,
    );
    expect(text).toBe('@Pat can guests see prices before login?');
  });

  it('takes a plain-text body as it is, and an empty payload as no text', () => {
    expect(messagePayloadText({ body: { contentType: 'text', content: '  a <b> c  ' } }, APP_ID)).toBe('a <b> c');
    expect(messagePayloadText({}, APP_ID)).toBe('');
  });
});
