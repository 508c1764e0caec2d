import { HELP } from '../domain/command.js';
import { context, header, message } from '../messages/build.js';
import type { Message } from '../messages/model.js';
import { helpLine } from './replies.js';

/** `/po help`: every available subcommand with an example, shown only to the caller. */
export function showHelp(): Message {
  const available = HELP.filter((h) => h.available);
  return message(
    header('po-desk — the Product Owner’s front desk'),
    { type: 'list', items: available.map(helpLine) },
    context('Only you can see this. More commands (ask, request, daily, sprint, digest…) arrive as po-desk grows.'),
  );
}
