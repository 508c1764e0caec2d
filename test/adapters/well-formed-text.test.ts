import { describe, expect, it } from 'vitest';
import { makeWellFormed } from '../../src/adapters/well-formed-text.js';

describe('makeWellFormed', () => {
  it('drops NULs and replaces half surrogate pairs in every string, however deep, in place; whole emoji stay', () => {
    const event = { text: 'ship\u0000 it 🚀', user: 'U1' };
    const body = { event, blocks: [{ elements: ['a\uD83Db', 'c\uDE80', '\uD83D\uDE80'] }], n: 3, ok: true, none: null };
    makeWellFormed(body);
    expect(body).toEqual({ event: { text: 'ship it 🚀', user: 'U1' }, blocks: [{ elements: ['a\uFFFDb', 'c\uFFFD', '🚀'] }], n: 3, ok: true, none: null });
    expect(body.event).toBe(event); // what else holds the nested object sees the change
  });
});
