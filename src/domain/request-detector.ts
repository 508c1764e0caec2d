/**
 * Explainable "work request" detector for messages in a development team's channel.
 *
 * A message is a work request when it asks the team to build, add, change, fix or
 * prioritise something, or puts a deadline or urgency on work. This module is a
 * rule-based scorer, not a model. Every decision can be traced to the words that
 * fired, and `reason` spells them out.
 *
 * How it works:
 * 1. Messages that are never requests are dropped first: thanks, questions to the
 *    PO, meeting logistics, and review or help asks between developers.
 * 2. The message is split into sentences. Information questions ("does the API
 *    support X?") are skipped, and the remaining sentences are searched for
 *    clues: action words, ask framing ("can you", "please", "it'd be great if",
 *    imperatives), need framing ("we need", "the CEO wants"), deadlines and urgency.
 * 3. First-person status ("I'm fixing…", "deployed to staging") counts as a
 *    request only if something else in the message asks for work.
 * 4. A request fires when an action meets ask or need framing, when a deadline or
 *    urgency meets an action or a need, or when a need is asked for outright.
 *
 * All patterns are linear regular expressions with bounded repeats, and the input
 * is cut to MAX_CHARS, so the run time stays bounded.
 */

export type RequestSignal = 'build' | 'add' | 'change' | 'fix' | 'prioritise' | 'deadline' | 'urgency';

export interface Detection {
  isRequest: boolean;
  signals: RequestSignal[];
  /** the words that fired, for the explanation */
  evidence: string[];
  /** plain-English reason, e.g. 'asks to add something ("add"), with a deadline ("by Friday")' */
  reason: string;
}

type ActionSignal = Exclude<RequestSignal, 'deadline' | 'urgency'>;

const MAX_CHARS = 4_000;

const SIGNAL_LABELS: Record<RequestSignal, string> = {
  build: 'asks to build something',
  add: 'asks to add something',
  change: 'asks to change something',
  fix: 'asks for a fix',
  prioritise: 'asks to prioritise something',
  deadline: 'sets a deadline',
  urgency: 'marks it urgent',
};

/** Short human label for a signal, e.g. 'asks to add something', 'sets a deadline' */
export function describeSignal(s: RequestSignal): string {
  return SIGNAL_LABELS[s];
}

// ---------------------------------------------------------------- vocabulary

const WEEKDAY = '(?:mon|tues|wednes|thurs|fri|satur|sun)day';
const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|march|april|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
/** Things a product team builds. They turn "we need a cancel button" into an ask to add something. */
const PRODUCT_THING =
  '(?:button|page|export|import|endpoint|api|dashboard|report|field|column|toggle|option|setting|banner|email|notification|filter|chart|view|tab|screen|form|feature|integration|log|trail|tooltip|widget|shortcut|theme|mode|checkbox|bar|menu|summary|translation|environment|version|footer|header|section|link|icon|flow|edit|search|autocomplete|upload|download|sync|table|popup|list|card|alert|way to)s?';

/**
 * Words naming the asked-for work, one signal each. Only base and -ing forms are
 * listed. Past tense ("fixed") and third person ("shows") usually describe what
 * already happened, as in "is the export fixed yet?" or "the page shows undefined".
 * Earlier entries win when matches overlap, so "bump … to the top of the backlog"
 * counts as prioritising rather than as a UI change.
 */
const ACTION_WORDS: ReadonlyArray<readonly [ActionSignal, RegExp]> = [
  ['prioritise', /\b(?:prioriti[sz](?:e|ing)|make it (?:a |top )?priority|top priority|jump(?:ing)? on|pick (?:it |this |that )?up|(?:bump|move|push) [^.!?]{0,40}?(?:to the top of|up) the (?:backlog|list|queue))\b/i],
  // "help" as in "please help!" on an outage; "help me" is a developer's own ask (see REVIEW_ASK).
  ['fix', /\b(?:(?:hot)?fix(?:es|ing)?|repair(?:ing)?|resolv(?:e|ing)|patch(?:ing)?|correct|debug|revert|roll(?:ing)? back|unblock|sort (?:it |this |that )?out|look(?:ing)? (?:into|at)(?! my)|dig(?:ging)? into|check(?: (?:it|this|that))?(?=\s*[?!.]*$)|investigate|(?:have|take) a look(?! at my)|help(?! me| you))\b/i],
  ['build', /\b(?:build(?:ing)?|creat(?:e|ing)|mak(?:e|ing)(?! sure)|implement(?:ing)?|develop(?:ing)?|set(?:ting)? (?:it |this |that |\w+ )?up|(?:wire|hook|spin)(?:ing)? (?:[\w-]+ ){0,3}?up|integrat(?:e|ing)|introduc(?:e|ing)|offer(?:ing)?|ship(?:ping)?|launch(?:ing)?|roll(?:ing)? out|automat(?:e|ing)|design(?:ing)?|writ(?:e|ing)|(?:you|u|guys|someone|somebody|we) do (?:the|a|this|that|it))\b/i],
  ['add', /\b(?:add(?:ing)?|includ(?:e|ing)|support(?:ing)?|show(?:ing)?|display(?:ing)?|enabl(?:e|ing)|allow(?:ing)?|accept(?:ing)?|expos(?:e|ing)|put(?:ting)?|provid(?:e|ing)|turn(?:ing)? on|(?:let|give) (?:users|admins|people|customers|us|them))\b/i],
  // "can we get / let's get / would be great to have" asks for a thing to be delivered.
  ['add', /\b(?:(?:can|could|would) (?:we|i|you|u) (?:please )?|let'?s |to |should (?:really )?)(?:get|have)\b/i],
  ['add', new RegExp(`\\b(?:need(?:s|ed)?|want(?:s|ed)?|like|love|see|get|have|request(?:ing)?|ask(?:s|ed|ing)? for) (?:(?:a|an|the|some|our|more|better|proper) )?(?:[\\w-]+ ){0,3}?${PRODUCT_THING}\\b`, 'i')],
  ['change', /\b(?:chang(?:e|ing)|updat(?:e|ing)|renam(?:e|ing)|mov(?:e|ing)|replac(?:e|ing)|tweak(?:ing)?|bump(?:ing)?|remov(?:e|ing)|redesign(?:ing)?|swap(?:ping)?|sort(?! (?:\w+ )?out\b)|reorder|hid(?:e|ing)|turn(?:ing)? off|delete|switch|adjust(?:ing)?|tidy (?:\w+ )?up|clean (?:\w+ )?up|increas(?:e|ing)|decreas(?:e|ing)|limit|arrang(?:e|ing)|rais(?:e|ing)|lower|extend(?:ing)?|shorten(?:ing)?|rework(?:ing)?|rewrit(?:e|ing)|simplify(?:ing)?|translat(?:e|ing)|reword|rephrase|get rid of|disabl(?:e|ing)|stop|resiz(?:e|ing)|restyl(?:e|ing)|migrat(?:e|ing)|convert(?:ing)?)\b/i],
  // "can the sidebar be collapsible" asks for the product to behave differently.
  ['change', /\b(?:can|could) (?:the|this|that|it) (?:[\w-]+ ){0,3}?be\b/i],
  // "it'd be great if the dashboard showed…" describes a changed product, whatever the verb.
  ['change', /\b(?:great|nice|good|amazing|awesome|helpful|useful|handy|ideal|cool|better|love it|appreciate it|help(?: a lot| loads)?) if\b/i],
];

/** Framing that asks someone else to act. */
const MODAL_ASK = /\b(?:can|could|would|will|can't|cannot) (?:(?:you|u|ya)(?: guys| all)?|y'all|we|someone|somebody|anyone|anybody|(?:the |our )?(?:team|dev team|devs?|developers?|engineering)|the|this|that)\b/i;
const POLITE = /\b(?:please|pls|plz|kindly)\b/i;
const WISH = /\b(?:(?:it'?d|it would|would|that'?d) be (?:really |so |super )?(?:great|nice|good|amazing|awesome|ideal|helpful|useful|handy|cool|lovely)|(?:it'?d|it would) help|(?:i|we)(?:'d| would) (?:really )?(?:like|love|appreciate|prefer|want)|would (?:love|like)|is there (?:any |a )?(?:way|chance)|any (?:chance|way)|(?:would you )?be so kind|(?:is|would) it (?:be )?possible|is possible|how about|what about|thoughts on|let'?s|(?:we|you|they) (?:really )?(?:should|must|have to)|i want|wants)\b/i;
/** A stated need or obligation, e.g. "we need", "needs to be done", "make sure". "I need to …" is the writer's own to-do. */
const NEED = /\b(?:need(?:s|ed)?|make sure|ensure|has to be|must|requires?|ask(?:s|ed|ing)? for)\b/i;
const OWN_TODO = /\b(?:i (?:need|have|got) to|no need|if (?:you|we) need)\b/gi;

const DEADLINES: readonly RegExp[] = [
  new RegExp(`\\b(?:by|until|till|before|for) (?:(?:the )?end of (?:the |this |next )?(?:day|week|month|quarter|sprint|year|q[1-4])|eod|eow|cob|eob|tomorrow|tonight|noon|month[- ]end|launch day|next (?:week|month|sprint|release)|(?:this |next )?${WEEKDAY}|the \\d{1,2}(?:st|nd|rd|th)|\\d{1,2}(?:st|nd|rd|th)? ${MONTH})\\b`, 'i'),
  new RegExp(`\\bbefore (?:the |our |a )?(?:[\\w'&-]+ ){0,3}?(?:demo|release|launch|go-live|meeting|review|all-hands|call|rollout|campaign|season|sale|change|pack|audit|weekend|holidays?|quarter|month|deadline|freeze|${WEEKDAY})\\b|\\bbefore (?:then|launch|release)\\b`, 'i'),
  /\b(?:today|tonight|tomorrow|deadline|this (?:sprint|week|quarter|month|afternoon)|next (?:sprint|release)|end of (?:the |this |next )?(?:day|week|month|quarter|sprint|q[1-4])|eod|eow|first thing)\b/i,
  new RegExp(`\\b\\d{1,2}(?:st|nd|rd|th)? ${MONTH}\\b|\\b${MONTH} \\d{1,2}(?:st|nd|rd|th)?\\b|\\bon the \\d{1,2}(?:st|nd|rd|th)\\b`, 'i'),
];
const URGENCY = /\b(?:urgent(?:ly)?|asap|as soon as possible|quickly|high(?:est)? priority|blocker|blocking|critical|p[01]|right (?:now|away)|immediately|now(?=\s*(?:[.!]|$)))\b/i;
const NOT_URGENT = /\bnot (?:so |that |super |very )?urgent\b/gi;

// Whole-message suppressions: never work requests, whatever else they say.
const THANKS_OPENING = /^(?:thanks|thank you|thx|ty|cheers|kudos|much appreciated|big thanks|many thanks|danke|merci)\b/i;
const PO_ADDRESS = /(?:^|[\s(@,])(?:po|product owner)\b/i;
const LOGISTICS =
  /\b(?:retro(?:spective)?|stand-?up|meeting(?! room)|zoom|calendar|invite|lunch|1:1|one-on-one|offsite|all-hands|sprint (?:planning|review|demo)|(?:demo|customer|sales|team) call|book a room|survey|access to|add me to|(?:move|push|reschedule|postpone|cancel) the (?:demo|call|review|planning|session|sync)\b|(?:add|update|fill in|put|enter|send|share|submit) (?:in )?(?:your|yours))\b/i;
const REVIEW_ASK =
  /\b(?:review(?:er|ing)?|ptal|approve my|pair (?:with|on)|second pair of eyes|help me|look at my|pr|mr|(?:my|your|the|this|that) branch|pull request)\b|(?:^|\s)#\d+\b/i;

// First-person status: the team reporting its own work.
const NOT_OWN_WORK = '(?!need|want|would|should|must|really|think|know|like|love|not sure|hope|wonder)';
/** "I'll make…", "we're migrating…", "I've moved…": what the writer is doing or will do. */
const FIRST_PERSON_WORK = new RegExp(`^(?:i|we)(?:'m|m| am|'re| are|'ll| will|'ve| have) (?:just |already |now |also |still |currently )?${NOT_OWN_WORK}\\w`, 'i');
/** "I fixed…", "we shipped…", "I pushed…". */
const FIRST_PERSON_DONE = new RegExp(`^(?:i|we) (?:just |already |also )?${NOT_OWN_WORK}(?:[a-z]+ed|fix|add|update|pick|do|ship|deploy|finish|push|merge|release)\\b`, 'i');
const DONE_OPENING =
  /^(?:deployed|merged|shipped|released|fixed|added|rolled back|bumped|turned (?:on|off)|pushed|finished|picked up|renamed|moved|updated|removed|implemented|deploying|working on|finishing|investigating|done)\b/i;
const DONE_MARKER = /\b(?:(?:is|are|now) (?:live|green|done|deployed|merged|up)|all green|ready for qa|qa passed|fix deployed)\b|✅/i;
const STANDUP_LABEL = /^(?:standup|stand-up|status update|update|yesterday|today|y|t|b|blockers?)$/i;

const INFO_QUESTION_OPENING = /^(?:what|what's|when|where|why|how|who|who's|which)\b/i;
/** "could someone explain…", "can you tell me…": asks for information, not work. */
const INFO_ASK = /^(?:can|could|would) (?:you|u|someone|somebody|anyone|anybody) (?:please )?(?:explain|tell|remind|clarify|confirm|let me know|point me)\b/i;
const LEAD_IN =
  /^(?:\s|@[\w.-]+[,:]?|(?:hey|hi|hello|yo|ok|okay|so|also|and|but|wait|hmm|fyi|btw|just|quick one|heads up|sorry|team|all|everyone|folks|guys|devs)\b[,:!]?|[^\w@]+)*/i;
const URL = /\bhttps?:\/\/\S+/gi;

// ---------------------------------------------------------------- analysis

interface Clues {
  actions: Map<ActionSignal, string>;
  deadline?: string;
  urgency?: string;
  ask?: string;
  need?: string;
  status?: string;
}

function sentencesOf(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+|;\s*|:\s+|\s[—–-]+\s/)
    .map((s) => s.replace(LEAD_IN, '').trim())
    .filter((s) => s.length > 0);
}

/** A question after information ("does the API support X?"), not a polite ask ("could you add X?"). */
function isInfoQuestion(sentence: string): boolean {
  const asks = MODAL_ASK.test(sentence) || POLITE.test(sentence) || WISH.test(sentence);
  return INFO_ASK.test(sentence) || (!asks && (/\?\W*$/.test(sentence) || INFO_QUESTION_OPENING.test(sentence)));
}

function firstMatch(text: string, patterns: readonly RegExp[]): string | undefined {
  for (const p of patterns) {
    const m = p.exec(text);
    if (m) return m[0];
  }
  return undefined;
}

/** An action verb opening the sentence ("Add pagination…"), not a noun ("Build is green"). */
function imperativeIn(sentence: string): string | undefined {
  if (DONE_MARKER.test(sentence)) return undefined;
  for (const [, pattern] of ACTION_WORDS) {
    const m = pattern.exec(sentence);
    if (m?.index === 0 && !/^\s+(?:is|are|was|were|has|have|had|looks|seems|passed|failed)\b/i.test(sentence.slice(m[0].length))) return m[0];
  }
  return undefined;
}

function statusIn(sentence: string): string | undefined {
  return (FIRST_PERSON_WORK.exec(sentence) ?? FIRST_PERSON_DONE.exec(sentence) ?? DONE_OPENING.exec(sentence) ?? DONE_MARKER.exec(sentence) ?? STANDUP_LABEL.exec(sentence))?.[0];
}

function collectActions(sentence: string, into: Map<ActionSignal, string>): void {
  const taken: Array<[number, number]> = [];
  for (const [signal, pattern] of ACTION_WORDS) {
    const m = pattern.exec(sentence);
    if (!m || taken.some(([from, to]) => m.index >= from && m.index < to)) continue;
    taken.push([m.index, m.index + m[0].length]);
    if (!into.has(signal)) into.set(signal, m[0]);
  }
}

function cluesIn(sentences: readonly string[]): Clues {
  const clues: Clues = { actions: new Map() };
  for (const raw of sentences) {
    if (isInfoQuestion(raw)) continue;
    const sentence = raw.replace(NOT_URGENT, ' ');
    collectActions(sentence, clues.actions);
    clues.ask ??= firstMatch(sentence, [MODAL_ASK, POLITE, WISH]) ?? imperativeIn(sentence);
    clues.need ??= firstMatch(sentence.replace(OWN_TODO, ' '), [NEED]);
    clues.deadline ??= firstMatch(sentence, DEADLINES);
    clues.urgency ??= firstMatch(sentence, [URGENCY]);
    clues.status ??= statusIn(sentence);
  }
  return clues;
}

/** Why a message can never be a request, if it can't. */
function suppression(text: string, sentences: readonly string[]): string | undefined {
  if (sentences.length === 0) return 'no words to read';
  if (THANKS_OPENING.test(sentences[0] ?? '')) return 'a thank-you';
  const isQuestion = text.includes('?') || sentences.some((s) => INFO_QUESTION_OPENING.test(s));
  if (PO_ADDRESS.test(text) && isQuestion) return 'a question for the Product Owner';
  // Deadline phrases are taken out first, so "before the board meeting" isn't read as a meeting ask.
  // Quoted text is usually a UI label ("a 'resend invite' link"), not what's being asked for.
  const unquoted = text.replace(/"[^"]*"|“[^”]*”|(?<!\w)'[^']*'(?!\w)/g, ' ');
  const withoutDeadlines = DEADLINES.reduce((t, p) => t.replace(new RegExp(p.source, 'gi'), ' '), unquoted);
  if (LOGISTICS.test(withoutDeadlines)) return 'about meetings or logistics';
  if (REVIEW_ASK.test(withoutDeadlines)) return 'a review or help ask between developers';
  return undefined;
}

function explain(clues: Clues): string {
  const parts = [...clues.actions].map(([s, ev]) => `${describeSignal(s)} ("${ev}")`);
  if (parts.length === 0 && clues.need) parts.push(`states a need ("${clues.need}")`);
  if (clues.deadline) parts.push(`with a deadline ("${clues.deadline}")`);
  if (clues.urgency) parts.push(`marked urgent ("${clues.urgency}")`);
  return parts.join(', ');
}

export function detectWorkRequest(text: string): Detection {
  const clean = text.slice(0, MAX_CHARS).replace(/[‘’]/g, "'").replace(URL, ' (link) ');
  const sentences = sentencesOf(clean);
  const suppressed = suppression(clean, sentences);
  if (suppressed) return { isRequest: false, signals: [], evidence: [], reason: `not a request: ${suppressed}` };

  const clues = cluesIn(sentences);
  const signals: RequestSignal[] = [...clues.actions.keys()];
  if (clues.deadline) signals.push('deadline');
  if (clues.urgency) signals.push('urgency');
  const evidence = [clues.ask, clues.need, ...clues.actions.values(), clues.deadline, clues.urgency].filter((e): e is string => e !== undefined);

  if (clues.status && !clues.ask) return { isRequest: false, signals, evidence, reason: `not a request: reads as a status update ("${clues.status}")` };

  const action = clues.actions.size > 0;
  const timing = clues.deadline !== undefined || clues.urgency !== undefined;
  const framed = clues.ask !== undefined || clues.need !== undefined;
  const isRequest = (action && framed) || (timing && (action || clues.need !== undefined)) || (clues.ask !== undefined && clues.need !== undefined);
  if (isRequest) return { isRequest, signals, evidence, reason: explain(clues) };

  const missing = !action && !timing ? 'no action, deadline or urgency' : 'nobody is asked to do it';
  return { isRequest, signals, evidence, reason: `not a request: ${missing}` };
}
