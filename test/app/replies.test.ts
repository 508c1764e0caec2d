import { describe, expect, it } from 'vitest';
import { withCode } from '../../src/app/replies.js';

describe('withCode', () => {
  it('turns backticked commands into code spans and keeps the rest as text', () => {
    expect(withCode('Run `/po team <name>` in the channel, or `/po help`.')).toEqual([
      { type: 'text', text: 'Run ' },
      { type: 'text', text: '/po team <name>', style: 'code' },
      { type: 'text', text: ' in the channel, or ' },
      { type: 'text', text: '/po help', style: 'code' },
      { type: 'text', text: '.' },
    ]);
  });

  it('handles a code span at the very start or end, and text that is only code', () => {
    expect(withCode('`/po help` lists the commands.')).toEqual([
      { type: 'text', text: '/po help', style: 'code' },
      { type: 'text', text: ' lists the commands.' },
    ]);
    expect(withCode('For the commands, run `/po help`')).toEqual([
      { type: 'text', text: 'For the commands, run ' },
      { type: 'text', text: '/po help', style: 'code' },
    ]);
    expect(withCode('`/po help`')).toEqual([{ type: 'text', text: '/po help', style: 'code' }]);
    expect(withCode('`/po team <name>` or `/po help`')).toEqual([
      { type: 'text', text: '/po team <name>', style: 'code' },
      { type: 'text', text: ' or ' },
      { type: 'text', text: '/po help', style: 'code' },
    ]);
  });

  it('leaves text without backticks, and a lone backtick, as they are', () => {
    expect(withCode('No code here')).toEqual([{ type: 'text', text: 'No code here' }]);
    expect(withCode('a ` b')).toEqual([{ type: 'text', text: 'a ` b' }]);
  });
});
