import type { Digest, DigestPart } from '../../domain/digest.js';
import { bold, context, header, message, section } from '../../messages/build.js';
import type { Block, Message, Span } from '../../messages/model.js';

const span = (p: DigestPart): Span | string =>
  typeof p === 'string' ? { type: 'text', text: p } : 'linkKey' in p ? { type: 'messageLink', messageKey: p.linkKey, label: p.label } : { type: 'date', at: p.at, timeZone: p.timeZone };

/** The digest as a message: a header, a section per topic, and the suggestion. */
export function digestMessage(d: Digest): Message {
  const blocks: Block[] = [header('Your week at a glance'), context(d.title.replace('Your week at a glance — ', ''))];
  if (d.quiet) {
    blocks.push(section('A quiet week: no questions, requests or Daily Scrum asks came in, and nothing is waiting for you. Enjoy it.'));
  }
  for (const s of d.sections) {
    blocks.push(section(bold(s.title)));
    blocks.push({ type: 'list', items: s.lines.map((line) => line.map(span).map((x) => (typeof x === 'string' ? { type: 'text' as const, text: x } : x))) });
  }
  if (d.suggestion) blocks.push(section('💡 ', d.suggestion));
  return message(...blocks);
}
