// The .eml file name of a stored message: its Date header (else its arrival date) and subject.
import { emlFileNameFor } from '../../../shared/eml-file-name.ts';
import { summariseRawMessage } from '../../mail/message-summary.ts';

export function emlFileName(raw: Buffer, internalDate: Date): string {
  try {
    const s = summariseRawMessage(raw);
    return emlFileNameFor(s.subject, s.date !== null ? new Date(s.date) : internalDate);
  } catch {
    return emlFileNameFor('', internalDate); // unreadable headers: the date alone
  }
}
