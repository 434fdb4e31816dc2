// What the desktop shell asks of the renderer (compose from a mailto: link, open a message from
// a notification, a menu command) and what the first-run welcome offers: schemas shared by main
// and the renderer, carried by the typed API (src/shared/api.ts).
import { z } from 'zod';
import { MailtoDraft } from './mailto.ts';

/** Menu items the renderer carries out; their keys come from the renderer's own table (shortcuts.ts). */
export const MenuCommand = z.enum([
  'compose',
  'reply',
  'replyAll',
  'forward',
  'archive',
  'delete',
  'toggleRead',
  'toggleFlag',
  'checkMail',
  'search',
  'nextMessage',
  'previousMessage',
  'closeMessage',
  'addAccount',
  'server',
  'settings',
  'shortcuts',
]);
export type MenuCommand = z.infer<typeof MenuCommand>;

export const DesktopIntent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('compose'), draft: MailtoDraft }),
  z.object({ kind: z.literal('openMessage'), messageId: z.number().int() }),
  z.object({ kind: z.literal('command'), command: MenuCommand }),
]);
export type DesktopIntent = z.infer<typeof DesktopIntent>;

/** The first-run choices this app can offer now. */
export const WelcomeStatus = z.object({
  /** A new data folder, and no choice made yet. */
  show: z.boolean(),
  /** The embedded household server runs, so "host mail" and "look around" are possible. */
  serverRunning: z.boolean(),
  domain: z.string().nullable(),
});
export type WelcomeStatus = z.infer<typeof WelcomeStatus>;

/** What "Host mail for my household" created, and what receiving internet mail would need. */
export const HouseholdSetup = z.object({
  accountId: z.string(),
  address: z.string(),
  domain: z.string(),
  /** Where the household server listens now (this computer only). */
  listeners: z.array(z.object({ protocol: z.string(), host: z.string(), port: z.number().int() })),
});
export type HouseholdSetup = z.infer<typeof HouseholdSetup>;

/** The user's own mailbox name on the household server: the part before @. */
export const MailboxName = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, 'Choose a mailbox name')
  .max(64)
  .regex(/^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/, 'Use letters, digits, dots, dashes or underscores');
