import type { Message } from '../messages/model.js';
import { helpMessage } from './replies.js';

export function showHelp(): Message {
  return helpMessage();
}
