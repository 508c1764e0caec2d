import { HELP } from '../domain/command.js';
import { context, header, message, section } from '../messages/build.js';
import type { Message } from '../messages/model.js';
import { helpLine } from './replies.js';

/** `/po help`: every available subcommand with an example, shown only to the caller. */
export function showHelp(): Message {
  const available = HELP.filter((h) => h.available);
  return message(
    header('po-desk — the Product Owner’s front desk'),
    { type: 'list', items: available.map(helpLine) },
    context('To ask the PO from a team channel you can also @mention po-desk with a question ending in “?”. Daily scrum reminders, sprint reviews and the weekly digest arrive as po-desk grows.'),
  );
}

/** How po-desk introduces itself when added to a conversation; Teams has no slash commands. */
export function installGreeting(surface: 'teams' | 'teams-personal'): Message {
  const how =
    surface === 'teams'
      ? 'Here, mention me and write the command after it, e.g. @po-desk owner @Pat. In a chat with me, leave out the mention.'
      : 'Write the commands here without /po, e.g. help or hours. Commands that name people (owner @Pat) belong in a team channel, after a mention of me: I can only find the people of the conversation a command comes from.';
  return message(
    header('Hi, I’m po-desk — the Product Owner’s front desk'),
    section(
      'I bring the teams’ questions to the Product Owner and track how quickly they are answered, catch work requests that bypass the PO, ',
      'remind teams before the Daily Scrum, invite stakeholders to sprint reviews, and send the PO a weekly digest.',
    ),
    section(how),
    { type: 'list', items: HELP.filter((h) => h.available).map(helpLine) },
    context('Start by naming the Product Owner (owner @someone), then make each team’s channel a team (team <name>).'),
  );
}
