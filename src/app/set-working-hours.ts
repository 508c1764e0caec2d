import { DEFAULT_WORKING_HOURS, formatWorkingHours, parseWorkingHours } from '../domain/working-hours.js';
import { code, context, message, section } from '../messages/build.js';
import type { Message } from '../messages/model.js';
import { UserError } from '../user-error.js';
import { withProduct, type CommandContext, type Deps } from './context.js';

/** `/po hours [HH:MM-HH:MM] [days] [tz]`: everyone sets their own working hours. */
export async function setWorkingHours(ctx: CommandContext, deps: Deps, text: string | undefined): Promise<Message> {
  const parsed = text === undefined ? undefined : parseWorkingHours(text);
  if (parsed && !parsed.ok) throw new UserError('hours_invalid', `Sorry, ${parsed.problem}. Example: \`/po hours 08:30-16:30 mon-fri Europe/Berlin\``);
  const reply = await withProduct(ctx, deps, { create: false }, async ({ tx, caller }) => {
    const current = await tx.workingHours(caller.id);
    if (!parsed) {
      return message(section(`Your working hours: ${formatWorkingHours(current)}.`), context('Change them with ', code('/po hours 08:30-16:30 mon-fri Europe/Berlin'), '.'));
    }
    const next = { ...DEFAULT_WORKING_HOURS, ...current, ...parsed.hours };
    await tx.setWorkingHours(caller.id, next);
    return message(
      section(`Your working hours are now ${formatWorkingHours(next)}.`),
      context('po-desk counts response times in working hours and never nudges you outside them.'),
    );
  });
  return reply ?? message(section('po-desk is not set up in this workspace yet: start with ', code('/po owner @someone'), '.'));
}
