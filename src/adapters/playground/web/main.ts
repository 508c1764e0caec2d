/** The po-desk playground: a small fake chat workspace in the browser (plain DOM, no framework). */
import { api, type Channel, type FormView, type Message, type Shortcut, type Workspace } from './api';
import { askConfirm, closeDialogs, openForm, type Confirm, type FocusTarget } from './dialogs';
import { aheadText, byId, errorText, formatAt, fromLocalInput, h, toLocalInput } from './dom';

const app = byId('app');
const youAre = byId<HTMLSelectElement>('you-are');
const nav = document.querySelector<HTMLElement>('.nav')!;
const log = byId('messages');
const announcer = byId('announcer');
const composer = byId<HTMLTextAreaElement>('composer');
const sendButton = byId<HTMLButtonElement>('send');
const jumpTo = byId<HTMLInputElement>('jump-to');
const clockNow = byId<HTMLTimeElement>('clock-now');
const clockError = byId('clock-error');
const errorBox = byId('composer-error');

/**
 * Where a navigation wants to go while the workspace it needs is on its way; `messageId` when it
 * follows a link to a message (`#c=…&m=…`), which is then shown.
 */
interface Target { person: string | null; channelId: string | null; wantedDm: boolean; reload: boolean; messageId: string | null }

const state = {
  ws: null as Workspace | null,
  /** The newest navigation not yet shown; null once shown. */
  pending: null as Target | null,
  channel: null as Channel | null,
  messages: [] as Message[],
  /** `person|channel` the messages above were fetched for, so a refetch can tell which are new. */
  messagesFor: '',
  unread: new Set<string>(),
  threadId: null as string | null,
  /** The message a followed link points at: highlighted while the channel is shown. */
  linked: null as string | null,
  /** The linked message, until the messages that show it are on the page (then it is scrolled to). */
  reveal: null as string | null,
  /** The message whose menu is open. */
  menuFor: null as string | null,
  /** The playground time at a moment of real time, so the clock keeps ticking between updates. */
  clock: { now: Date.now(), at: Date.now() },
};

const as = () => state.ws?.as ?? '';
/** The person the page is on, or is switching to. */
const wantedPerson = () => (state.pending ? state.pending.person : (state.ws?.as ?? null));
const zone = () => state.ws?.people.find((p) => p.id === as())?.timeZone ?? 'UTC';
const playNow = () => state.clock.now + (Date.now() - state.clock.at);
const hashFor = (person: string, channel: string) => `#as=${encodeURIComponent(person)}&c=${encodeURIComponent(channel)}`;
const channelLabel = (c: Channel) => (c.kind === 'channel' ? `#${c.name}` : c.name);
const showError = (e: unknown) => void (errorBox.textContent = errorText(e));

/** The text a person reads in server-rendered html (parsed inert: nothing loads or runs). */
function plainText(html: string): string {
  const template = document.createElement('template');
  template.innerHTML = html;
  for (const block of template.content.querySelectorAll('p, li, dt, dd, div, h1, h2, h3, h4, br, tr')) block.after(' ');
  return (template.content.textContent ?? '').replace(/\s+/g, ' ').trim();
}
const firstWords = (text: string, n: number) => {
  const words = text.split(' ');
  return words.length > n ? `${words.slice(0, n).join(' ')}…` : text;
};

// ---- Loading and navigation -------------------------------------------------------------------
//
// navigate() (a link, the hash, "You are") and refreshWorkspace() (the clock moved, a reconnect)
// share one sequence of workspace requests: a reply is shown only if no newer request was made
// since, and only if it is for the person the page is on or switching to. So a slow reply for an
// earlier choice can never replace a newer one.

let workspaceRequests = 0;
/** Workspace requests not answered yet; <body data-workspace-loading> while there are any. */
let inflight = 0;

async function fetchWorkspace(person: string | null): Promise<Workspace> {
  // Nobody named, or someone who is not (any more) in the demo: the server picks its first person.
  try {
    return await api.workspace(person);
  } catch (e) {
    if (person === null) throw e;
    return api.workspace(null);
  }
}

/** Fetches the workspace for the person wanted now and shows it, with the pending navigation, if still the newest request. */
async function syncWorkspace(): Promise<void> {
  inflight++;
  document.body.dataset.workspaceLoading = '';
  try {
    await syncWorkspaceOnce();
  } finally {
    if (--inflight === 0) delete document.body.dataset.workspaceLoading;
  }
}

async function syncWorkspaceOnce(): Promise<void> {
  const seq = ++workspaceRequests;
  const person = wantedPerson();
  let ws: Workspace;
  try {
    ws = await fetchWorkspace(person);
  } catch (e) {
    if (seq !== workspaceRequests) return;
    showError(e);
    if (state.pending) {
      // The switch failed: show (again) who the page still is.
      state.pending = null;
      if (state.ws) youAre.value = state.ws.as;
      renderChannels();
      void flushSend();
    }
    return;
  }
  if (seq !== workspaceRequests || person !== wantedPerson()) return;
  const personChanged = ws.as !== state.ws?.as;
  state.ws = ws;
  state.clock = { now: Date.parse(ws.now), at: Date.now() };
  if (personChanged) state.unread.clear(); // unread dots were the previous person's
  const target = state.pending;
  if (target) showTarget(ws, target);
  renderSidebar();
  renderChannels();
}

/** The wanted channel if this person sees it, else their own DM (when a DM was wanted), else the first channel. */
function pickChannel(ws: Workspace, wanted: string | null, wantedDm: boolean): Channel | undefined {
  return (
    ws.channels.find((c) => c.id === wanted) ??
    (wantedDm ? ws.channels.find((c) => c.kind === 'dm') : undefined) ??
    ws.channels.find((c) => c.kind === 'channel') ??
    ws.channels[0]
  );
}

/** Shows the channel a navigation asked for (its workspace is state.ws) and fetches its messages. */
function showTarget(ws: Workspace, target: Target): void {
  state.pending = null;
  const channel = pickChannel(ws, target.channelId, target.wantedDm);
  youAre.value = ws.as;
  if (!channel) return;
  const key = `${ws.as}|${channel.id}`;
  // Another channel, or the same channel as someone else: start afresh there.
  const switched = channel.id !== state.channel?.id || state.messagesFor !== key;
  state.channel = channel;
  state.unread.delete(channel.id);
  history.replaceState(null, '', hashFor(ws.as, channel.id));
  if (switched) {
    state.messages = [];
    state.messagesFor = '';
    state.linked = null;
    state.menuFor = null;
    announcer.replaceChildren();
    setThread(null);
    errorBox.textContent = '';
  }
  if (target.messageId) {
    state.linked = target.messageId;
    state.reveal = target.messageId;
  }
  renderChannelHeader();
  void loadMessages(switched || target.reload);
  void flushSend(); // an Enter pressed while switching
}

async function navigate(person: string | null, channelId: string | null, reload = false, messageId: string | null = null): Promise<void> {
  // Someone's DM, when switching person there, becomes the new person's own DM.
  const wantedDm = !!channelId?.startsWith('D-') || (channelId === state.channel?.id && state.channel?.kind === 'dm');
  state.pending = { person, channelId, wantedDm, reload, messageId };
  if (reload || !state.ws || person !== state.ws.as) {
    renderChannels(); // links point at the person being switched to, and the list shows it is busy
    updateSendButton();
    return syncWorkspace();
  }
  // Same person: nothing to fetch. A reply on its way for someone else is now out of date
  // (see the person check in syncWorkspace).
  showTarget(state.ws, state.pending);
  renderChannels();
}

function navigateFromHash(reload = false): Promise<void> {
  const p = new URLSearchParams(location.hash.slice(1));
  // A link to a message in a message (`#c=…&m=…`) names no one: it opens for whoever is looking.
  return navigate(p.get('as') ?? wantedPerson(), p.get('c'), reload, p.get('m'));
}

let fetches = 0;
let scrollToEnd = false;
async function loadMessages(toEnd = false): Promise<void> {
  const channel = state.channel;
  const person = as();
  if (!channel || !person) return;
  const seq = ++fetches;
  scrollToEnd ||= toEnd; // a newer fetch must not lose an older one's scroll to the end
  try {
    const result = await api.messages(channel.id, person);
    if (seq !== fetches || state.channel?.id !== channel.id || as() !== person) return;
    const key = `${person}|${channel.id}`;
    const seen = state.messagesFor === key ? new Set(state.messages.map((m) => m.id)) : null;
    state.channel = { ...channel, ...result.channel };
    state.messages = result.messages;
    state.messagesFor = key;
    renderChannelHeader();
    renderMessages(scrollToEnd);
    scrollToEnd = false;
    revealLinked();
    if (seen) announceNew(result.messages.filter((m) => !seen.has(m.id) && m.author?.id !== person));
    // What the page shows now (a stable hook for tests and tools): set only once it is shown.
    document.body.dataset.as = person;
    document.body.dataset.channel = channel.id;
  } catch (e) {
    if (seq === fetches) showError(e);
  }
}

/** Scrolls to the message a followed link points at and gives it focus, or says it is not there. */
function revealLinked(): void {
  const id = state.reveal;
  if (!id) return;
  state.reveal = null;
  const found = log.querySelector<HTMLElement>(`[data-message-id="${CSS.escape(id)}"]`);
  if (!found) {
    state.linked = null;
    errorBox.textContent = 'That message is not in this channel (any more), or it is not yours to see.';
    return;
  }
  found.scrollIntoView({ block: 'center' });
  found.focus({ preventScroll: true });
}

/** Says new messages (not the viewer's own) in the polite status region; the list itself is not a live region. */
function announceNew(fresh: Message[]): void {
  if (fresh.length === 0) return;
  const one = fresh.length === 1 ? fresh[0] : undefined;
  const text = one
    ? `${one.author?.name ?? 'po-desk'}${one.ephemeral ? ' (only visible to you)' : ''}: ${firstWords(plainText(one.html), 40)}`
    : `${fresh.length} new messages in ${state.channel ? channelLabel(state.channel) : 'this channel'}`;
  announcer.replaceChildren(h('p', {}, text));
}

function refreshWorkspace(): Promise<void> {
  return syncWorkspace();
}

function reloadAll(): Promise<void> {
  closeDialogs();
  state.unread.clear();
  return navigate(wantedPerson(), state.pending?.channelId ?? state.channel?.id ?? null, true);
}

// ---- Sidebar ----------------------------------------------------------------------------------

let peopleShown = '';
function renderSidebar(): void {
  const ws = state.ws;
  if (!ws) return;
  byId('product').textContent = ws.product;
  // Rebuilt only when the people change, and left alone while a switch is on its way, so the
  // select never jumps back under someone still choosing.
  const people = JSON.stringify(ws.people.map((p) => [p.id, p.name, p.role]));
  if (people !== peopleShown) {
    peopleShown = people;
    youAre.replaceChildren(...ws.people.map((p) => h('option', { value: p.id }, `${p.name} — ${p.role}`)));
  }
  if (!state.pending) youAre.value = ws.as;

  // Handles are how people are mentioned here (`/po owner @bea`); say which exist.
  const handles = ws.people.map((p) => `@${p.handle}`).join(' ');
  byId('composer-hint').replaceChildren('Type ', h('kbd', {}, '/po help'), ' to start · mention people as ', handles, ' · Enter sends, Shift+Enter adds a line');

  byId('calendar').hidden = !ws.calendar;
  if (ws.calendar) {
    byId('calendar-title').textContent = ws.calendar.title;
    const items = ws.calendar.items.map((i) => h('li', {}, h('strong', {}, i.label), h('span', { class: 'muted' }, i.when)));
    byId('calendar-items').replaceChildren(...items);
  }

  byId('clock-controls').hidden = !ws.clockAdjustable;
  byId('clock-note').hidden = ws.clockAdjustable;
  byId('clock-note').textContent = ws.clockNote ?? '';
  byId('clock-ahead').textContent = aheadText(ws.offsetMs);
  renderClock();

  const runs = ws.jobRuns.map((r) =>
    h('li', {}, h('span', {}, r.job), h('span', { class: `status status-${r.status}` }, r.status), h('time', { datetime: r.slot, class: 'muted' }, formatAt(r.slot, zone()))),
  );
  byId('job-runs').replaceChildren(...(runs.length ? runs : [h('li', { class: 'muted' }, 'No job runs yet.')]));
}

function renderClock(): void {
  const now = playNow();
  clockNow.dateTime = new Date(now).toISOString();
  clockNow.textContent = formatAt(now, zone(), true);
  byId('clock-zone').textContent = zone();
  renderJump();
}

/** The zone the "Jump to" value is written in. */
let jumpZone = '';
/**
 * "Jump to" may not be earlier than the next minute (the server refuses a jump backwards, and to
 * the current minute is one); it starts an hour ahead, moves on when time passes it, and a value
 * typed for one person's zone is converted when the person (and so the zone) changes.
 */
function renderJump(): void {
  const z = zone();
  if (jumpZone && jumpZone !== z && jumpTo.value) {
    try {
      jumpTo.value = toLocalInput(Date.parse(fromLocalInput(jumpTo.value, jumpZone)), z);
    } catch {
      jumpTo.value = '';
    }
  }
  jumpZone = z;
  const min = toLocalInput(playNow() + 60_000, z);
  jumpTo.min = min;
  if (document.activeElement !== jumpTo && (!jumpTo.value || jumpTo.value < min)) jumpTo.value = toLocalInput(playNow() + 3_600_000, z);
}

function renderChannels(): void {
  const ws = state.ws;
  if (!ws) return;
  // While a switch is on its way, the links already lead to the person being switched to.
  const person = wantedPerson() ?? ws.as;
  const focused = (document.activeElement as HTMLElement | null)?.dataset.channelId;
  const item = (c: Channel) => {
    const unread = state.unread.has(c.id);
    const attrs = {
      href: hashFor(person, c.id),
      class: unread ? 'unread' : null,
      'aria-current': c.id === state.channel?.id ? 'page' : null,
      'aria-describedby': unread ? 'unread-note' : null,
      'data-channel-id': c.id,
    };
    return h('li', {}, h('a', attrs, channelLabel(c), unread && h('span', { class: 'dot', 'aria-hidden': 'true' })));
  };
  byId('channel-list').replaceChildren(...ws.channels.filter((c) => c.kind === 'channel').map(item));
  byId('dm-list').replaceChildren(...ws.channels.filter((c) => c.kind === 'dm').map(item));
  if (state.pending) nav.setAttribute('aria-busy', 'true');
  else nav.removeAttribute('aria-busy');
  if (focused) document.querySelector<HTMLElement>(`.nav [data-channel-id="${CSS.escape(focused)}"]`)?.focus();
}

// ---- Channel and messages ---------------------------------------------------------------------

function renderChannelHeader(): void {
  if (!state.channel) return;
  const label = channelLabel(state.channel);
  byId('channel-name').textContent = label;
  byId('channel-topic').textContent = state.channel.topic;
  byId('composer-label').textContent = `Message ${label}`;
  composer.placeholder = `Message ${label}`;
}

function avatar(name: string, id: string | null): HTMLElement {
  const initials = name.split(/\s+/).map((w) => w[0] ?? '').join('').slice(0, 2).toUpperCase();
  const colour = id ? [...id].reduce((n, ch) => n + ch.charCodeAt(0), 0) % 6 : 'app';
  return h('span', { class: `avatar avatar-${colour}`, 'aria-hidden': 'true' }, id ? initials : 'po');
}

function renderMessage(m: Message, replies: Message[], nested: boolean): HTMLElement {
  const name = m.author?.name ?? 'po-desk';
  const body = h('div', { class: 'msg-body' });
  body.innerHTML = m.html; // rendered and escaped by the server
  const linked = m.id === state.linked;
  const classes = ['msg', nested && 'msg-reply', m.ephemeral && 'msg-ephemeral', m.id === state.threadId && 'msg-target', linked && 'msg-linked'];
  const head = h(
    'p',
    { class: 'msg-head' },
    h('span', { class: 'msg-author' }, name),
    !m.author && h('span', { class: 'badge' }, 'APP'),
    h('time', { datetime: m.at, class: 'muted' }, formatAt(m.at, zone())),
    m.edited && h('span', { class: 'muted' }, '(edited)'),
  );
  const note = m.ephemeral && h('p', { class: 'msg-note' }, 'Only visible to you', m.command && ' · ', m.command && h('code', {}, m.command));
  const thread =
    replies.length > 0 &&
    h('div', { class: 'thread', role: 'group', 'aria-label': `Replies to ${name}` }, ...replies.map((r) => renderMessage(r, [], true)));
  // Each "Reply in thread" says which message it answers (there are many on the page).
  const about = `${name}: ${firstWords(plainText(m.html), 8)}`;
  const reply = !nested && !m.ephemeral && h('button', { type: 'button', class: 'link-btn reply-btn', 'data-reply': m.id, 'aria-label': `Reply in thread to ${about}` }, 'Reply in thread');
  const menu = !m.ephemeral && messageMenu(m, about, state.ws?.shortcuts ?? []);
  const tools = (reply || menu) && h('div', { class: 'msg-tools' }, reply, menu);
  const main = h('div', { class: 'msg-main' }, head, note, body, thread, tools);
  // A followed link gives its message focus, so a screen reader reads it.
  const attrs = { class: classes.filter(Boolean).join(' '), 'data-message-id': m.id, tabindex: linked ? '-1' : null };
  return h('article', attrs, avatar(name, m.author?.id ?? null), main);
}

/**
 * The message's menu (Slack's "More actions"): a menu button and its menu of message shortcuts,
 * such as "Ask the PO". The menu opens below the button; see the keyboard handling in the wiring.
 */
function messageMenu(m: Message, about: string, shortcuts: Shortcut[]): HTMLElement | false {
  if (shortcuts.length === 0) return false;
  const open = state.menuFor === m.id;
  const menuId = `menu-${m.id}`;
  const button = h(
    'button',
    { type: 'button', class: 'link-btn menu-btn', 'data-menu': m.id, 'aria-haspopup': 'menu', 'aria-expanded': String(open), 'aria-controls': menuId, 'aria-label': `More actions for ${about}` },
    'More actions',
  );
  const items = shortcuts.map((s) =>
    h('li', { role: 'none' }, h('button', { type: 'button', role: 'menuitem', class: 'menu-item', tabindex: '-1', 'data-shortcut': s.callbackId }, s.label)),
  );
  const menu = h('ul', { id: menuId, class: 'msg-menu', role: 'menu', 'aria-label': `Actions for ${about}`, hidden: !open }, ...items);
  return h('span', { class: 'menu-wrap' }, button, menu);
}

const menuItems = (menuButton: HTMLElement) => [...(menuButton.parentElement?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];

/** Opens the message's menu and focuses one of its items (the first, or the last). */
function openMenu(menuButton: HTMLElement, focus: 'first' | 'last' = 'first'): void {
  closeMenu(false);
  state.menuFor = menuButton.dataset.menu ?? null;
  menuButton.setAttribute('aria-expanded', 'true');
  const menu = menuButton.parentElement?.querySelector<HTMLElement>('[role="menu"]');
  if (menu) menu.hidden = false;
  menu?.scrollIntoView({ block: 'nearest' }); // the last message's menu may open below the fold
  const items = menuItems(menuButton);
  (focus === 'first' ? items[0] : items.at(-1))?.focus({ preventScroll: true });
}

/** Closes the open menu, if any; with `refocus`, focus goes back to its button. */
function closeMenu(refocus: boolean): void {
  const id = state.menuFor;
  if (id === null) return;
  state.menuFor = null;
  const menuButton = log.querySelector<HTMLElement>(`[data-menu="${CSS.escape(id)}"]`);
  if (!menuButton) return;
  menuButton.setAttribute('aria-expanded', 'false');
  const menu = menuButton.parentElement?.querySelector<HTMLElement>('[role="menu"]');
  if (menu) menu.hidden = true;
  if (refocus) menuButton.focus();
}

/** Arrow keys, Home and End move through the open menu's items; Escape closes it; Tab leaves it. */
function menuKeys(event: KeyboardEvent, item: HTMLElement): void {
  const menuButton = item.closest('.menu-wrap')?.querySelector<HTMLElement>('[data-menu]');
  if (!menuButton) return;
  const items = menuItems(menuButton);
  const at = items.indexOf(item);
  const go = (i: number) => items[(i + items.length) % items.length]?.focus();
  switch (event.key) {
    case 'ArrowDown':
      go(at + 1);
      break;
    case 'ArrowUp':
      go(at - 1);
      break;
    case 'Home':
      go(0);
      break;
    case 'End':
      go(items.length - 1);
      break;
    case 'Escape':
      closeMenu(true);
      break;
    case 'Tab':
      closeMenu(false);
      return; // focus moves on as usual
    default:
      return;
  }
  event.preventDefault();
  event.stopPropagation();
}

function renderMessages(toEnd: boolean): void {
  const atBottom = toEnd || log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  const top = log.scrollTop;
  const focus = focusKey();
  const ids = new Set(state.messages.map((m) => m.id));
  const replies = new Map<string, Message[]>();
  const roots: Message[] = [];
  for (const m of state.messages) {
    if (m.threadId && ids.has(m.threadId)) replies.set(m.threadId, [...(replies.get(m.threadId) ?? []), m]);
    else roots.push(m);
  }
  if (state.threadId && !ids.has(state.threadId)) setThread(null);
  const nodes = roots.map((m) => renderMessage(m, replies.get(m.id) ?? [], false));
  log.replaceChildren(...(nodes.length ? nodes : [h('p', { class: 'empty' }, 'No messages yet. Type /po help to start.')]));
  restoreFocus(focus);
  log.scrollTop = atBottom ? log.scrollHeight : top;
}

/**
 * Which control in the message list has focus (a selector for it, and its message), so that a
 * refetch can give focus back to the same control of the same message.
 */
function focusKey(): { message: string; selector: string | null } | null {
  const active = document.activeElement as HTMLElement | null;
  if (!active || active === log || !log.contains(active)) return null;
  const message = active.closest<HTMLElement>('[data-message-id]')?.dataset.messageId ?? '';
  const { actionId, shortcut } = active.dataset;
  const selector = active.matches('[data-reply]')
    ? '[data-reply]'
    : active.matches('[data-menu]')
      ? '[data-menu]'
      : shortcut !== undefined
        ? `[data-shortcut="${CSS.escape(shortcut)}"]`
        : active.matches('.po-button')
          ? `.po-button[data-action-id="${CSS.escape(actionId ?? '')}"]`
          : active.matches('article[data-message-id]')
            ? 'article'
            : active.matches('a[href]')
              ? `a[href="${CSS.escape(active.getAttribute('href') ?? '')}"]`
              : null;
  return { message, selector };
}

function restoreFocus(key: ReturnType<typeof focusKey>): void {
  if (!key) return;
  const candidates = key.selector === null ? [] : [...log.querySelectorAll<HTMLElement>(key.selector)];
  const same = (c: HTMLElement) => c.closest<HTMLElement>('[data-message-id]')?.dataset.messageId === key.message;
  (candidates.find(same) ?? log).focus({ preventScroll: true });
}

const COMPOSER_HINT = 'composer-hint';
function setThread(id: string | null): void {
  state.threadId = id;
  const root = id ? state.messages.find((m) => m.id === id) : undefined;
  byId('thread-chip').hidden = !id;
  byId('thread-chip-text').textContent = root ? `Replying in thread to ${root.author?.name ?? 'po-desk'}` : 'Replying in thread';
  // The composer says it is in thread mode, not only the chip's looks.
  composer.setAttribute('aria-describedby', id ? `thread-chip-text ${COMPOSER_HINT}` : COMPOSER_HINT);
  for (const m of log.querySelectorAll<HTMLElement>('.msg')) m.classList.toggle('msg-target', m.dataset.messageId === id);
}

// ---- Actions ----------------------------------------------------------------------------------

/** The button if it is still on the page (or the one that took its place in a refetch), else null. */
function liveButton(button: HTMLElement): HTMLElement | null {
  if (button.isConnected) return button;
  // A button taken off the page by a refetch still sits in its (detached) message.
  const messageId = button.closest<HTMLElement>('[data-message-id]')?.dataset.messageId;
  return (
    [...log.querySelectorAll<HTMLElement>('.po-button')].find(
      (b) => b.dataset.actionId === button.dataset.actionId && b.closest<HTMLElement>('[data-message-id]')?.dataset.messageId === messageId,
    ) ?? null
  );
}

function showForm(form: FormView, returnFocus: FocusTarget): void {
  const channelId = state.channel?.id ?? '';
  const person = as();
  const submit = (values: Record<string, string>) =>
    api.form({ as: person, channelId, callbackId: form.callbackId, metadata: form.metadata, values });
  openForm(form, submit, () => void loadMessages(), returnFocus);
}

let sending = false;
/** Enter (or Send) while a send or a person switch is on its way: sent as soon as it is done. */
let queued = false;

function updateSendButton(): void {
  const busy = sending || state.pending !== null;
  if (busy) sendButton.setAttribute('aria-busy', 'true');
  else sendButton.removeAttribute('aria-busy');
}

async function flushSend(): Promise<void> {
  updateSendButton();
  if (!queued || sending || state.pending) return;
  queued = false;
  await send();
}

async function send(): Promise<void> {
  if (sending || state.pending) {
    queued = true;
    updateSendButton();
    return;
  }
  queued = false;
  const text = composer.value;
  const channel = state.channel;
  if (!text.trim() || !channel) return;
  sending = true;
  updateSendButton();
  errorBox.textContent = '';
  try {
    const result = await api.say({ as: as(), channelId: channel.id, text: text.trim(), threadId: state.threadId ?? undefined });
    if (composer.value === text) composer.value = '';
    if (result.kind === 'form') showForm(result.form, () => composer);
    void loadMessages(true);
  } catch (e) {
    showError(e); // the text stays in the composer
    queued = false; // the person sees the error and the text, and sends again themselves
  } finally {
    sending = false;
  }
  await flushSend();
}

const pending = new WeakSet<HTMLElement>();
async function runAction(button: HTMLElement): Promise<void> {
  const messageId = button.closest<HTMLElement>('[data-message-id]')?.dataset.messageId;
  const channel = state.channel;
  if (!messageId || !channel || pending.has(button)) return;
  const returnFocus = () => liveButton(button) ?? composer;
  if (button.dataset.confirm !== undefined) {
    let confirm: Confirm;
    try {
      confirm = JSON.parse(button.dataset.confirm) as Confirm;
      if (!confirm || typeof confirm !== 'object' || typeof confirm.title !== 'string') throw new Error('not a confirmation');
    } catch {
      // It asks for a confirmation that cannot be shown: never run it without asking.
      return showError(new Error('This button asks to be confirmed, but its question could not be read, so it was not run.'));
    }
    if (!(await askConfirm(confirm, returnFocus))) return;
  }
  pending.add(button);
  button.setAttribute('aria-busy', 'true');
  errorBox.textContent = '';
  try {
    const { actionId = '', value = '' } = button.dataset;
    const result = await api.action({ as: as(), channelId: channel.id, messageId, actionId, value });
    if (result.kind === 'form') showForm(result.form, returnFocus);
    else await loadMessages();
  } catch (e) {
    showError(e);
  } finally {
    pending.delete(button);
    button.removeAttribute('aria-busy');
  }
}

/** A message shortcut from a message's menu ("Ask the PO"): po-desk answers privately in the channel. */
async function runShortcut(item: HTMLElement): Promise<void> {
  const messageId = item.closest<HTMLElement>('[data-message-id]')?.dataset.messageId;
  const callbackId = item.dataset.shortcut;
  const channel = state.channel;
  closeMenu(true);
  if (!messageId || !callbackId || !channel) return;
  errorBox.textContent = '';
  try {
    await api.shortcut({ as: as(), channelId: channel.id, messageId, callbackId });
    await loadMessages();
  } catch (e) {
    showError(e);
  }
}

async function moveClock(body: { advanceMinutes: number } | { to: string }): Promise<void> {
  clockError.textContent = '';
  try {
    const { now } = await api.clock(body);
    state.clock = { now: Date.parse(now), at: Date.now() };
    renderClock();
    await refreshWorkspace();
  } catch (e) {
    clockError.textContent = errorText(e);
  }
}

// ---- Wiring -----------------------------------------------------------------------------------

youAre.addEventListener('change', () => {
  // Navigate at once (not on the hashchange a task later), so no reply for an earlier choice can
  // land in between. Arrowing through the people makes one history entry.
  const channelId = state.pending?.channelId ?? state.channel?.id ?? null;
  const url = hashFor(youAre.value, channelId ?? '');
  if (state.pending) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  void navigate(youAre.value, channelId);
});
window.addEventListener('hashchange', () => void navigateFromHash());

nav.addEventListener('click', (event) => {
  // On a narrow window the workspace panel folds away once a channel is picked.
  if (!(event.target as Element).closest('a') || !app.classList.contains('sidebar-open')) return;
  setSidebarOpen(false);
  log.focus();
});

const sidebarToggle = byId('sidebar-toggle');
function setSidebarOpen(open: boolean): void {
  app.classList.toggle('sidebar-open', open);
  sidebarToggle.setAttribute('aria-expanded', String(open));
}
sidebarToggle.addEventListener('click', () => setSidebarOpen(!app.classList.contains('sidebar-open')));

// Skip links move focus without touching the hash (the hash says who and where you are).
for (const link of document.querySelectorAll<HTMLElement>('[data-skip]')) {
  link.addEventListener('click', (event) => {
    event.preventDefault();
    byId(link.dataset.skip ?? '').focus();
  });
}

log.addEventListener('click', (event) => {
  const target = event.target as Element;
  const reply = target.closest<HTMLElement>('[data-reply]');
  const button = target.closest<HTMLElement>('.po-button');
  const menuButton = target.closest<HTMLElement>('[data-menu]');
  const shortcut = target.closest<HTMLElement>('[data-shortcut]');
  if (reply) {
    setThread(reply.dataset.reply ?? null);
    composer.focus();
  } else if (button) void runAction(button);
  else if (menuButton) {
    if (state.menuFor === menuButton.dataset.menu) closeMenu(true);
    else openMenu(menuButton);
  } else if (shortcut) void runShortcut(shortcut);
});
log.addEventListener('keydown', (event) => {
  const target = event.target as HTMLElement;
  if (target.matches('[role="menuitem"]')) menuKeys(event, target);
  else if (target.matches('[data-menu]') && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
    event.preventDefault();
    openMenu(target, event.key === 'ArrowDown' ? 'first' : 'last');
  }
});
// A click anywhere else closes an open message menu, as menus do.
document.addEventListener('click', (event) => {
  if (state.menuFor !== null && !(event.target as Element).closest('.menu-wrap')) closeMenu(false);
});

byId('thread-cancel').addEventListener('click', () => {
  setThread(null);
  composer.focus();
});
byId('composer-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void send();
});
composer.addEventListener('keydown', (event) => {
  // keyCode 229: the key went to an input method (some browsers do not set isComposing on it).
  const composing = event.isComposing || event.keyCode === 229;
  if (event.key === 'Enter' && !event.shiftKey && !composing) {
    event.preventDefault();
    void send();
  } else if (event.key === 'Escape' && state.threadId) setThread(null);
});

for (const button of document.querySelectorAll<HTMLElement>('[data-advance]')) {
  button.addEventListener('click', () => void moveClock({ advanceMinutes: Number(button.dataset.advance) }));
}
byId('jump-form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (jumpTo.value) void moveClock({ to: fromLocalInput(jumpTo.value, zone()) });
  else clockError.textContent = 'Pick a date and time to jump to.';
});

byId('reset').addEventListener('click', async () => {
  const text = 'This puts back the demo data. Everything done in the playground so far is lost.';
  if (!(await askConfirm({ title: 'Reset the demo?', text, confirmLabel: 'Reset demo', denyLabel: 'Cancel' }))) return;
  try {
    await api.reset();
    await reloadAll();
  } catch (e) {
    showError(e);
  }
});

window.setInterval(renderClock, 15_000);

// Live updates. After a dropped connection the workspace and the messages are fetched again, since
// events may have been missed; an open form or question stays open with what was typed.
const events = new EventSource(api.eventsUrl);
let disconnected = false;
events.addEventListener('change', (event) => {
  let data: { channelId?: unknown; visibleTo?: unknown };
  try {
    data = JSON.parse((event as MessageEvent<string>).data) as typeof data;
  } catch {
    return;
  }
  const { channelId, visibleTo } = data;
  if (typeof channelId !== 'string') return;
  if (typeof visibleTo === 'string' && visibleTo !== as()) return; // someone else's private message
  if (channelId === state.channel?.id) void loadMessages();
  else if (state.ws?.channels.some((c) => c.id === channelId)) {
    state.unread.add(channelId);
    renderChannels();
  }
});
events.addEventListener('clock', () => void refreshWorkspace());
events.addEventListener('reset', () => void reloadAll());
events.addEventListener('error', () => {
  disconnected = true;
  // CONNECTING: the browser retries by itself. CLOSED (an HTTP error, say): it has given up.
  if (events.readyState === EventSource.CLOSED) {
    const reload = h('button', { type: 'button', class: 'link-btn' }, 'Reload');
    reload.addEventListener('click', () => location.reload());
    byId('live-note').replaceChildren('Live updates stopped — reload the page to see new messages.', reload);
  }
});
events.addEventListener('open', () => {
  if (disconnected) {
    void refreshWorkspace();
    void loadMessages();
  }
  disconnected = false;
});

void navigateFromHash();
