/**
 * A well-formedness check for the HTML the playground renderer (src/messages/render-html.ts) writes. That
 * renderer escapes every `<`, `>`, `"` and `'` in text and attribute values, so every `<` in its output starts
 * a tag and regular expressions can read it reliably.
 */

const VOID_ELEMENTS = new Set(['br', 'hr', 'input']);
const TAG = /<(\/?)([a-z0-9]+)[^<>]*>/g;
/** An opening tag whose attribute values end at their own quote (quotes inside are escaped). */
const OPENING_TAG = /^<[a-z0-9]+(?:\s[a-z-]+(?:="[^"]*"|='[^']*')?)*>$/;

/**
 * What is wrong with `html`, or [] when it is well formed: every element closed in order (void elements
 * aside), no `<` or `>` outside tags, every `&` one of the entities the renderer writes, and attributes that
 * are well quoted.
 */
export function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  for (const [tag, closing, name = ''] of html.matchAll(TAG)) {
    if (!closing && !OPENING_TAG.test(tag)) problems.push(`${tag}: malformed attributes`);
    if (VOID_ELEMENTS.has(name)) continue;
    if (!closing) {
      open.push(name);
      continue;
    }
    const expected = open.pop();
    if (expected !== name) problems.push(expected ? `${tag} closes <${expected}>` : `${tag} closes nothing`);
  }
  if (open.length > 0) problems.push(`<${open.join('>, <')}> not closed`);
  if (/[<>]/.test(html.replace(TAG, ''))) problems.push('a stray "<" or ">" outside tags');
  if (/&(?!(?:amp|lt|gt|quot|#39);)/.test(html)) problems.push('a bare "&"');
  return problems;
}
