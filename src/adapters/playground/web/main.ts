/** The po-desk playground: a small fake chat workspace in the browser (plain DOM, no framework). */
import { api, type Channel, type FormView, type Message, type Workspace } from './api';
import { askConfirm, closeDialogs, openForm, type Confirm } from './dialogs';
import { aheadText, byId, errorText, formatAt, fromLocalInput, h, toLocalInput } from './dom';

const youAre = byId<HTMLSelectElement>('you-are');
const log = byId('messages');
const composer = byId<HTMLTextAreaElement>('composer');
const jumpTo = byId<HTMLInputElement>('jump-to');
const clockNow = byId<HTMLTimeElement>('clock-now');
const clockError = byId('clock-error');
const errorBox = byId('composer-error');

const state = {
  ws: null as Workspace | null,
  channel: null as Channel | null,
  messages: [] as Message[],
  unread: new Set<string>(),
  threadId: null as string | null,
  /** The playground time at a moment of real time, so the clock keeps ticking between updates. */
  clock: { now: Date.now(), at: Date.now() },
};

const as = () => state.ws?.as ?? '';
const zone = () => state.ws?.people.find((p) => p.id === as())?.timeZone ?? 'UTC';
const playNow = () => state.clock.now + (Date.now() - state.clock.at);
const hashFor = (person: string, channel: string) => `#as=${encodeURIComponent(person)}&c=${encodeURIComponent(channel)}`;
const channelLabel = (c: Channel) => (c.kind === 'channel' ? `#${c.name}` : c.name);
const showError = (e: unknown) => void (errorBox.textContent = errorText(e));

// ---- Loading and navigation -------------------------------------------------------------------

async function loadWorkspace(person: string | null): Promise<void> {
  // Nobody named, or someone who is not (any more) in the demo: the server picks its first person.
  try {
    state.ws = await api.workspace(person);
  } catch (e) {
    if (person === null) throw e;
    state.ws = await api.workspace(null);
  }
  state.clock = { now: Date.parse(state.ws.now), at: Date.now() };
  renderSidebar();
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

let navigation = 0;
async function navigate(person: string | null, channelId: string | null, reload = false): Promise<void> {
  const previous = state.channel;
  const seq = ++navigation;
  try {
    if (reload || !state.ws || person !== state.ws.as) await loadWorkspace(person);
  } catch (e) {
    return showError(e);
  }
  const ws = state.ws;
  const wantedDm = (previous?.id === channelId && previous.kind === 'dm') || !!channelId?.startsWith('D-');
  const channel = ws && pickChannel(ws, channelId, wantedDm);
  if (!ws || !channel || seq !== navigation) return;
  const switched = channel.id !== previous?.id;
  state.channel = channel;
  state.unread.delete(channel.id);
  history.replaceState(null, '', hashFor(ws.as, channel.id));
  if (switched) {
    state.messages = [];
    setThread(null);
    errorBox.textContent = '';
  }
  renderChannelHeader();
  renderChannels();
  await loadMessages(switched || reload);
}

function navigateFromHash(reload = false): Promise<void> {
  const p = new URLSearchParams(location.hash.slice(1));
  return navigate(p.get('as'), p.get('c'), reload);
}

let fetches = 0;
async function loadMessages(toEnd = false): Promise<void> {
  const channel = state.channel;
  if (!channel) return;
  const seq = ++fetches;
  try {
    const result = await api.messages(channel.id, as());
    if (seq !== fetches) return;
    state.channel = { ...channel, ...result.channel };
    state.messages = result.messages;
    renderChannelHeader();
    renderMessages(toEnd);
  } catch (e) {
    if (seq === fetches) showError(e);
  }
}

async function refreshWorkspace(): Promise<void> {
  try {
    await loadWorkspace(as() || null);
    renderChannels();
  } catch (e) {
    showError(e);
  }
}

function reloadAll(): Promise<void> {
  closeDialogs();
  state.unread.clear();
  return navigate(as() || null, state.channel?.id ?? null, true);
}

// ---- Sidebar ----------------------------------------------------------------------------------

function renderSidebar(): void {
  const ws = state.ws;
  if (!ws) return;
  byId('product').textContent = ws.product;
  youAre.replaceChildren(...ws.people.map((p) => h('option', { value: p.id }, `${p.name} — ${p.role}`)));
  youAre.value = ws.as;

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
  const min = toLocalInput(playNow(), zone());
  jumpTo.min = min;
  if (document.activeElement !== jumpTo && (!jumpTo.value || jumpTo.value < min)) jumpTo.value = min;

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
}

function renderChannels(): void {
  const ws = state.ws;
  if (!ws) return;
  const focused = (document.activeElement as HTMLElement | null)?.dataset.channelId;
  const item = (c: Channel) => {
    const unread = state.unread.has(c.id);
    const attrs = {
      href: hashFor(ws.as, c.id),
      class: unread ? 'unread' : null,
      'aria-current': c.id === state.channel?.id ? 'page' : null,
      'aria-describedby': unread ? 'unread-note' : null,
      'data-channel-id': c.id,
    };
    return h('li', {}, h('a', attrs, channelLabel(c), unread && h('span', { class: 'dot', 'aria-hidden': 'true' })));
  };
  byId('channel-list').replaceChildren(...ws.channels.filter((c) => c.kind === 'channel').map(item));
  byId('dm-list').replaceChildren(...ws.channels.filter((c) => c.kind === 'dm').map(item));
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
  const classes = ['msg', nested && 'msg-reply', m.ephemeral && 'msg-ephemeral', m.id === state.threadId && 'msg-target'];
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
  const reply = !nested && !m.ephemeral && h('button', { type: 'button', class: 'link-btn reply-btn', 'data-reply': m.id }, 'Reply in thread');
  const main = h('div', { class: 'msg-main' }, head, note, body, thread, reply);
  return h('article', { class: classes.filter(Boolean).join(' '), 'data-message-id': m.id }, avatar(name, m.author?.id ?? null), main);
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

/** Which control in the message list has focus, so that a refetch can give focus back. */
function focusKey(): { message: string; action: string | null } | null {
  const active = document.activeElement as HTMLElement | null;
  if (!active || active === log || !log.contains(active)) return null;
  const message = active.closest<HTMLElement>('[data-message-id]')?.dataset.messageId ?? '';
  return { message, action: active.matches('[data-reply]') ? null : (active.dataset.actionId ?? '') };
}

function restoreFocus(key: ReturnType<typeof focusKey>): void {
  if (!key) return;
  const candidates = [...log.querySelectorAll<HTMLElement>(key.action === null ? '[data-reply]' : '.po-button')];
  const same = (c: HTMLElement) =>
    c.closest<HTMLElement>('[data-message-id]')?.dataset.messageId === key.message && (key.action === null || c.dataset.actionId === key.action);
  (candidates.find(same) ?? log).focus({ preventScroll: true });
}

function setThread(id: string | null): void {
  state.threadId = id;
  byId('thread-chip').hidden = !id;
  for (const m of log.querySelectorAll<HTMLElement>('.msg')) m.classList.toggle('msg-target', m.dataset.messageId === id);
}

// ---- Actions ----------------------------------------------------------------------------------

function showForm(form: FormView): void {
  const channelId = state.channel?.id ?? '';
  const submit = (values: Record<string, string>) =>
    api.form({ as: as(), channelId, callbackId: form.callbackId, metadata: form.metadata, values });
  openForm(form, submit, () => void loadMessages());
}

let sending = false;
async function send(): Promise<void> {
  const text = composer.value;
  const channel = state.channel;
  if (!text.trim() || sending || !channel) return;
  sending = true;
  byId('send').setAttribute('aria-busy', 'true');
  errorBox.textContent = '';
  try {
    const result = await api.say({ as: as(), channelId: channel.id, text: text.trim(), threadId: state.threadId ?? undefined });
    if (composer.value === text) composer.value = '';
    if (result.kind === 'form') showForm(result.form);
    await loadMessages(true);
  } catch (e) {
    showError(e); // the text stays in the composer
  } finally {
    sending = false;
    byId('send').removeAttribute('aria-busy');
  }
}

const pending = new WeakSet<HTMLElement>();
async function runAction(button: HTMLElement): Promise<void> {
  const messageId = button.closest<HTMLElement>('[data-message-id]')?.dataset.messageId;
  const channel = state.channel;
  if (!messageId || !channel || pending.has(button)) return;
  if (button.dataset.confirm) {
    let confirm: Confirm | null = null;
    try {
      confirm = JSON.parse(button.dataset.confirm) as Confirm;
    } catch {
      confirm = null;
    }
    if (confirm && !(await askConfirm(confirm))) return;
  }
  pending.add(button);
  button.setAttribute('aria-busy', 'true');
  errorBox.textContent = '';
  try {
    const { actionId = '', value = '' } = button.dataset;
    const result = await api.action({ as: as(), channelId: channel.id, messageId, actionId, value });
    if (result.kind === 'form') showForm(result.form);
    else await loadMessages();
  } catch (e) {
    showError(e);
  } finally {
    pending.delete(button);
    button.removeAttribute('aria-busy');
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
  location.hash = hashFor(youAre.value, state.channel?.id ?? '');
});
window.addEventListener('hashchange', () => void navigateFromHash());

log.addEventListener('click', (event) => {
  const target = event.target as Element;
  const reply = target.closest<HTMLElement>('[data-reply]');
  const button = target.closest<HTMLElement>('.po-button');
  if (reply) {
    setThread(reply.dataset.reply ?? null);
    composer.focus();
  } else if (button) void runAction(button);
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
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
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

// Live updates. After a dropped connection everything is reloaded, since events may have been missed.
const events = new EventSource(api.eventsUrl);
let disconnected = false;
events.addEventListener('change', (event) => {
  let channelId: unknown;
  try {
    channelId = (JSON.parse((event as MessageEvent<string>).data) as { channelId?: unknown }).channelId;
  } catch {
    return;
  }
  if (channelId === state.channel?.id) void loadMessages();
  else if (typeof channelId === 'string' && state.ws?.channels.some((c) => c.id === channelId)) {
    state.unread.add(channelId);
    renderChannels();
  }
});
events.addEventListener('clock', () => void refreshWorkspace());
events.addEventListener('reset', () => void reloadAll());
events.addEventListener('error', () => void (disconnected = true));
events.addEventListener('open', () => {
  if (disconnected) void reloadAll();
  disconnected = false;
});

void navigateFromHash();
