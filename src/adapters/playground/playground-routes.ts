import { createHash, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { sprintsFrom } from '../../domain/sprint-calendar.js';
import { renderHtmlMessage } from '../../messages/render-html.js';
import type { Metrics } from '../../metrics.js';
import { dmChannelId, type PlaygroundChannelInfo } from '../../store/playground-workspace.js';
import type { ChannelMessagesView, ChannelView, WorkspaceView } from './api-types.js';
import type { PlaygroundSurface } from './playground-app.js';
import { MESSAGE_SHORTCUTS, PLAYGROUND_WORKSPACE_NAME, PlaygroundRefusal } from './playground-chat.js';

/** Where `npm run build:web` puts the page (the repository's dist/playground). */
const WEB_DIR = fileURLToPath(new URL('../../../dist/playground/', import.meta.url));
const COOKIE = 'po_desk_playground';
const MAX_CLOCK_JUMP_MINUTES = 60 * 24 * 62;

const personId = z.string().min(1).max(100);
const channelId = z.string().min(1).max(100);
const sayBody = z.object({ as: personId, channelId, text: z.string().max(100_000), threadId: z.string().regex(/^\d{1,18}$/).optional() });
const actionBody = z.object({ as: personId, channelId, messageId: z.string().regex(/^\d{1,18}$/), actionId: z.string().min(1).max(255), value: z.string().max(2000) });
const shortcutBody = z.object({ as: personId, channelId, messageId: z.string().regex(/^\d{1,18}$/), callbackId: z.string().min(1).max(255) });
const formBody = z.object({
  as: personId,
  channelId,
  callbackId: z.string().min(1).max(255),
  metadata: z.string().max(3000).nullable().optional(),
  values: z.record(z.string().max(100), z.string().max(10_000)),
});
const clockBody = z.union([
  z.object({ advanceMinutes: z.number().int().min(1).max(MAX_CLOCK_JUMP_MINUTES) }),
  z.object({ to: z.iso.datetime({ offset: true }) }),
]);

/**
 * The playground's page and JSON API on the shared Express app (JSON is parsed on these routes only).
 * With PLAYGROUND_TOKEN set, every route needs the token: once as `/?token=…`, which sets a cookie,
 * or as a bearer token. Returns a function that ends the open live-update streams.
 */
export function mountPlaygroundRoutes(app: Express, surface: PlaygroundSurface, o: { token: string | undefined; log: Logger; metrics: Metrics }): () => void {
  const { workspace, chat, clock } = surface;
  const api = express.Router();
  const guard = tokenGuard(o.token);

  api.use(guard);
  api.use((req, res, next) => {
    if (req.method === 'POST' && !req.is('application/json')) {
      res.status(415).json({ error: 'Send JSON (Content-Type: application/json).' });
      return;
    }
    next();
  });
  api.use(express.json({ limit: '200kb' }));

  api.get('/workspace', async (req, res) => {
    const as = await viewer(req, true);
    const [people, channels, cadence, jobRuns] = await Promise.all([workspace.people(), workspace.channels(), workspace.sprintCalendar(), workspace.latestJobRuns()]);
    const now = clock.now();
    res.json({
      product: PLAYGROUND_WORKSPACE_NAME,
      now: now.toISOString(),
      offsetMs: clock.offsetMs,
      clockAdjustable: surface.clockFixedBecause === undefined,
      clockNote: surface.clockFixedBecause === undefined ? null : `The clock follows real time: ${surface.clockFixedBecause}.`,
      as: as.id,
      people: people.map((p) => ({ id: p.id, handle: p.handle, name: p.displayName, role: p.role, timeZone: p.timeZone })),
      channels: channels.filter((c) => c.kind === 'channel' || c.id === dmChannelId(as.id)).map(channelJson),
      calendar: cadence
        ? {
            title: 'Sprint calendar',
            items: sprintsFrom(cadence, now, 3).map((s, i) => ({
              label: `Sprint ${s.number}${i === 0 ? ' (now)' : ''}`,
              when: `${day(s.start)} – ${day(s.end)} · review ${reviewTime(s.review, cadence.timeZone)}`,
            })),
          }
        : null,
      jobRuns: jobRuns.map((r) => ({ job: r.job, slot: r.slot.toISOString(), status: r.status })),
      shortcuts: MESSAGE_SHORTCUTS.map((s) => ({ callbackId: s.callbackId, label: s.label })),
    } satisfies WorkspaceView);
  });

  api.get('/channels/:channelId/messages', async (req, res) => {
    const as = await viewer(req);
    const channel = await workspace.channel(String(req.params.channelId));
    if (!channel) throw new PlaygroundRefusal(404, 'That channel does not exist (any more): reload the page.');
    if (channel.kind === 'dm' && channel.dmUserId !== as.id) throw new PlaygroundRefusal(403, 'That is someone else’s conversation with po-desk.');
    const [rows, options, people] = await Promise.all([workspace.messages(channel.id, as.id), chat.htmlOptions(as), workspace.people()]);
    const names = new Map(people.map((p) => [p.id, p.displayName]));
    res.json({
      channel: channelJson(channel),
      messages: rows.map((m) => ({
        id: m.id,
        threadId: m.threadId,
        author: m.authorId === null ? null : { id: m.authorId, name: names.get(m.authorId) ?? m.authorId },
        ephemeral: m.visibleTo !== null,
        command: m.command,
        at: m.createdAt.toISOString(),
        edited: m.editedAt !== null,
        html: renderHtmlMessage(m.message, options),
      })),
    } satisfies ChannelMessagesView);
  });

  api.post('/say', async (req, res) => {
    const b = sayBody.parse(req.body);
    res.json(await chat.say(b.as, b.channelId, b.text, b.threadId));
  });

  api.post('/action', async (req, res) => {
    const b = actionBody.parse(req.body);
    res.json(await chat.click(b.as, b.channelId, b.messageId, b.actionId, b.value));
  });

  api.post('/shortcut', async (req, res) => {
    const b = shortcutBody.parse(req.body);
    res.json(await chat.shortcut(b.as, b.channelId, b.messageId, b.callbackId));
  });

  api.post('/form', async (req, res) => {
    const b = formBody.parse(req.body);
    res.json(await chat.submit(b.as, b.channelId, b.callbackId, b.metadata ?? null, b.values));
  });

  api.post('/clock', async (req, res) => {
    const b = clockBody.parse(req.body);
    const to = 'to' in b ? new Date(b.to) : new Date(clock.now().getTime() + b.advanceMinutes * 60_000);
    if (to.getTime() - clock.now().getTime() > MAX_CLOCK_JUMP_MINUTES * 60_000) {
      throw new PlaygroundRefusal(400, 'That is too far ahead: move the clock at most two months at a time.');
    }
    const now = await surface.advanceClockTo(to);
    res.json({ now: now.toISOString() });
  });

  api.post('/reset', async (_req, res) => {
    await surface.reset();
    res.json({ ok: true });
  });

  const streams = new Set<Response>();
  api.get('/events', (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    res.write('retry: 2000\n\n');
    const unsubscribe = surface.feed.subscribe((event) => {
      const { type, ...data } = event;
      res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
    streams.add(res);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    });
  });

  api.use((_req, res) => {
    res.status(404).json({ error: 'No such playground API route.' });
  });
  api.use(apiErrors(o.log));

  app.use('/playground/api', api);
  app.use('/playground', guard, express.static(WEB_DIR, { index: false, fallthrough: true, maxAge: '1h' }));
  app.get('/', guard, (_req, res) => {
    const index = `${WEB_DIR}index.html`;
    if (!existsSync(index)) {
      res.status(503).type('text/plain').send('The playground page is not built. Run `npm run build:web` (npm install does it), then reload.\n');
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });

  return () => {
    for (const res of streams) res.end();
    streams.clear();
  };

  /** Who is looking: `?as=`, or for the page's first load (no `as`) the demo's first person, its PO. */
  async function viewer(req: Request, defaultToFirst = false) {
    const id = typeof req.query.as === 'string' ? req.query.as : '';
    const person = id === '' && defaultToFirst ? (await workspace.people())[0] : await workspace.person(id);
    if (!person) throw new PlaygroundRefusal(400, `There is no one called ${JSON.stringify(id)} in the playground: pick someone in “You are”.`);
    return person;
  }
}

function channelJson(c: PlaygroundChannelInfo): ChannelView {
  return { id: c.id, name: c.name, kind: c.kind, topic: c.topic };
}

const dayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
const day = (date: string) => dayFormat.format(new Date(`${date}T00:00:00Z`));
function reviewTime(at: Date, timeZone: string): string {
  const text = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone }).format(at);
  return `${text} (${timeZone})`;
}

/**
 * Who may use the playground. Without a token, only this machine: whoever uses the page can act as
 * anyone in the demo, admin included. With one, anyone who has it: a constant-time comparison of
 * hashes, so neither the token's content nor its length leaks through timing. `/?token=…` sets an
 * HttpOnly cookie and redirects to the clean URL.
 */
export function tokenGuard(token: string | undefined): RequestHandler {
  if (!token) {
    return (req, res, next) => {
      if (isLoopback(req.socket.remoteAddress)) return next();
      const message = 'This playground has no PLAYGROUND_TOKEN, so it answers only the machine po-desk runs on (open http://localhost:PORT/ there). To open it to others, set PLAYGROUND_TOKEN.';
      if (req.baseUrl === '/playground/api') res.status(403).json({ error: message });
      else res.status(403).type('text/plain').send(`${message}\n`);
    };
  }
  const expected = createHash('sha256').update(token).digest();
  const matches = (candidate: string | undefined) => candidate !== undefined && timingSafeEqual(createHash('sha256').update(candidate).digest(), expected);
  return (req, res, next) => {
    const fromQuery = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (fromQuery !== undefined && req.method === 'GET' && req.path === '/' && req.baseUrl === '' && matches(fromQuery)) {
      res.cookie(COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/' });
      res.redirect(303, '/');
      return;
    }
    const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    if (matches(bearer) || matches(readCookie(req.get('cookie'), COOKIE))) return next();
    const message = 'This playground is protected by PLAYGROUND_TOKEN: open it with the link that ends in ?token=… (ask whoever runs po-desk).';
    if (req.baseUrl === '/playground/api') res.status(401).json({ error: message });
    else res.status(401).type('text/plain').send(`${message}\n`);
  };
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || /^(::ffff:)?127\./.test(address));
}

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) {
      try {
        return decodeURIComponent(value.join('='));
      } catch (_malformed) {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The 4xx status Express or a body parser gave an error, if any. */
function clientErrorStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

/** Refusals and bad requests as `{ error }` for the page; anything else is logged and apologised for. */
function apiErrors(log: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    if (error instanceof PlaygroundRefusal) {
      res.status(error.status).json({ error: error.message });
    } else if (error instanceof z.ZodError) {
      const issue = error.issues[0];
      res.status(400).json({ error: `That request is malformed (${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid'}).` });
    } else if ((error as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ error: 'That request is not valid JSON.' });
    } else if ((error as { type?: string }).type === 'entity.too.large') {
      res.status(413).json({ error: 'That request is too large.' });
    } else if (['encoding.unsupported', 'charset.unsupported'].includes((error as { type?: string }).type ?? '')) {
      res.status(415).json({ error: 'Send JSON in UTF-8, plain or gzip-compressed.' });
    } else if (clientErrorStatus(error) !== undefined) {
      res.status(clientErrorStatus(error)!).json({ error: 'That request is malformed.' }); // e.g. a channel id that is not valid URL encoding
    } else {
      log.error({ err: error }, 'playground: request failed');
      res.status(500).json({ error: 'Sorry, something went wrong on my side. Please try again in a moment.' });
    }
  };
}
