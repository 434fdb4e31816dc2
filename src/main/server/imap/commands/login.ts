import type { CommandContext, CommandResult, CommandSpec } from '../command-types.ts';
import { bad } from '../command-types.ts';
import { imapServerLimits } from '../../../base/limits.ts';
import { textArg } from './helpers.ts';

/** LOGIN and AUTHENTICATE off loopback before TLS (RFC 9051 7.1: PRIVACYREQUIRED); null when allowed. */
export function refuseCleartext(ctx: CommandContext): CommandResult | null {
  if (ctx.session.passwordAllowed()) return null;
  return { status: 'NO', code: 'PRIVACYREQUIRED', text: 'Use STARTTLS or port 993 first: passwords are not accepted in the clear from another machine' };
}

/** Shared by LOGIN and AUTHENTICATE: check the password, count failures, log in. */
export async function tryLogin(ctx: CommandContext, username: string, password: string): Promise<CommandResult> {
  const { session } = ctx;
  const refused = refuseCleartext(ctx);
  if (refused) return refused;
  if (session.authFailures >= imapServerLimits.maxAuthFailures) {
    session.send(['* BYE Too many failed logins\r\n']);
    session.close();
    return { status: 'NO', code: 'AUTHENTICATIONFAILED', text: 'Too many failed logins' };
  }
  const user = await session.shared.ctx.users.authenticate(username, password);
  if (!user) {
    session.authFailures++;
    session.log.info('imap login failed', { user: username.slice(0, 100), failures: session.authFailures });
    return { status: 'NO', code: 'AUTHENTICATIONFAILED', text: 'Invalid credentials' };
  }
  const mail = await session.shared.ctx.store.user(user.address);
  session.authenticated(user, mail);
  return { status: 'OK', code: `CAPABILITY ${session.capabilities().join(' ')}`, text: 'Logged in' };
}

export const login: CommandSpec = {
  states: ['notAuthenticated'],
  async handler(ctx) {
    if (ctx.args.length !== 2) throw bad('LOGIN needs a user name and a password');
    return tryLogin(ctx, textArg(ctx.args[0], 'User name'), textArg(ctx.args[1], 'Password'));
  },
};
