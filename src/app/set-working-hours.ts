import { canonicalTimeZone, DEFAULT_WORKING_HOURS, formatClock, formatDays, formatWorkingHours, parseClock, parseDays, parseWorkingHours, type WorkingHours } from '../domain/working-hours.js';
import { NOT_SET_UP } from './replies.js';
import { actions, code, context, message, section } from '../messages/build.js';
import type { Form, FormValues, Message } from '../messages/model.js';
import { UserError } from '../user-error.js';
import { withProduct, type CommandContext, type Deps } from './context.js';
import type { FormOutcome } from './interactions.js';

export const HOURS_FORM = 'hours';


const changeButton = actions({ actionId: 'hours.edit', label: 'Change working hours', value: 'edit', opensForm: true });

/** `/po hours [HH:MM-HH:MM] [days] [tz]`: everyone sets their own working hours. */
export async function setWorkingHours(ctx: CommandContext, deps: Deps, text: string | undefined): Promise<Message> {
  const parsed = text === undefined ? undefined : parseWorkingHours(text);
  if (parsed && !parsed.ok) throw new UserError('hours_invalid', `Sorry, ${parsed.problem}. Example: \`/po hours 08:30-16:30 mon-fri Europe/Berlin\``);
  const reply = await withProduct(ctx, deps, { create: false }, async ({ tx, caller }) => {
    const current = await tx.workingHours(caller.id);
    if (!parsed) {
      return message(
        section(`Your working hours: ${formatWorkingHours(current)}.`),
        changeButton,
        context('Or type them: ', code('/po hours 08:30-16:30 mon-fri Europe/Berlin'), '.'),
      );
    }
    const next = { ...DEFAULT_WORKING_HOURS, ...current, ...parsed.hours };
    await tx.setWorkingHours(caller.id, next);
    return savedMessage(next);
  });
  return reply ?? NOT_SET_UP;
}

function savedMessage(hours: WorkingHours): Message {
  return message(
    section(`Your working hours are now ${formatWorkingHours(hours)}.`),
    context('po-desk counts response times in working hours and never nudges you outside them.'),
  );
}

/** The working-hours form, filled with the caller's current hours. */
export async function hoursForm(ctx: CommandContext, deps: Deps): Promise<Form> {
  const current = await withProduct(ctx, deps, { create: false }, ({ tx, caller }) => tx.workingHours(caller.id));
  if (!current) throw new UserError('not_set_up', 'po-desk is not set up in this workspace yet: start with `/po owner @someone`.');
  return {
    callbackId: HOURS_FORM,
    title: 'Working hours',
    submitLabel: 'Save',
    typedAlternative: `/po hours ${formatClock(current.startMin)}-${formatClock(current.endMin)} ${formatDays(current.days)} ${current.timeZone}`,
    inputs: [
      { type: 'time', id: 'start', label: 'Start of your working day', required: true, initial: formatClock(current.startMin) },
      // Time pickers stop at 23:59; a day typed as ending at 24:00 shows as 23:59.
      { type: 'time', id: 'end', label: 'End of your working day', required: true, initial: formatClock(Math.min(current.endMin, 23 * 60 + 59)) },
      { type: 'text', id: 'days', label: 'Working days', required: true, initial: formatDays(current.days), maxLength: 40, hint: 'A range or a list, e.g. mon-fri or mon,tue,thu' },
      { type: 'text', id: 'timeZone', label: 'Time zone', required: true, initial: current.timeZone, maxLength: 64, hint: 'An IANA time zone, e.g. Europe/Berlin or America/New_York' },
    ],
  };
}

export async function submitHoursForm(ctx: CommandContext, deps: Deps, values: FormValues): Promise<FormOutcome> {
  const errors: Record<string, string> = {};
  const startMin = parseClock((values.start ?? '').trim());
  const endMin = parseClock((values.end ?? '').trim());
  if (startMin === undefined) errors.start = 'Write a time as HH:MM, e.g. 09:00';
  if (endMin === undefined) errors.end = 'Write a time as HH:MM, e.g. 17:00';
  else if (startMin !== undefined && endMin <= startMin) errors.end = 'The end of the working day must be after its start';
  const days = parseDays((values.days ?? '').replace(/\s+/g, ''));
  if (!days || days.length === 0) errors.days = 'Write the days as a range or a list, e.g. mon-fri or mon,tue,thu';
  const timeZone = canonicalTimeZone((values.timeZone ?? '').trim());
  if (!timeZone) errors.timeZone = 'Not a time zone I know: use an IANA name such as Europe/Berlin';
  if (Object.keys(errors).length > 0 || startMin === undefined || endMin === undefined || !days || !timeZone) return { kind: 'invalid', errors };

  const hours: WorkingHours = { timeZone, startMin, endMin, days };
  const saved = await withProduct(ctx, deps, { create: false }, async ({ tx, caller }) => {
    await tx.setWorkingHours(caller.id, hours);
    return savedMessage(hours);
  });
  return { kind: 'done', message: saved ?? NOT_SET_UP };
}
