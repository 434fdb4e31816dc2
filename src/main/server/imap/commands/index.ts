// The command map: verb -> { states, allowExpunge, reportsChanges, handler }. UID variants share their handler.
import type { CommandSpec } from '../command-types.ts';
import { append } from './append.ts';
import { authenticate } from './authenticate.ts';
import { cancelupdate } from './cancelupdate.ts';
import { capability } from './capability.ts';
import { check } from './check.ts';
import { close } from './close.ts';
import { copy, move } from './copy.ts';
import { create } from './create.ts';
import { deleteMailbox } from './delete.ts';
import { enable } from './enable.ts';
import { expunge } from './expunge.ts';
import { fetch } from './fetch.ts';
import { getquota } from './getquota.ts';
import { getquotaroot } from './getquotaroot.ts';
import { id } from './id.ts';
import { idle } from './idle.ts';
import { list, lsub } from './list.ts';
import { login } from './login.ts';
import { logout } from './logout.ts';
import { namespace } from './namespace.ts';
import { noop } from './noop.ts';
import { rename } from './rename.ts';
import { search } from './search.ts';
import { setquota } from './setquota.ts';
import { examine, select } from './select.ts';
import { sort } from './sort.ts';
import { starttls } from './starttls.ts';
import { thread } from './thread.ts';
import { status } from './status.ts';
import { store } from './store.ts';
import { subscribe, unsubscribe } from './subscribe.ts';
import { unselect } from './unselect.ts';

export const commands: Readonly<Record<string, CommandSpec>> = {
  CAPABILITY: capability,
  NOOP: noop,
  LOGOUT: logout,
  STARTTLS: starttls,
  LOGIN: login,
  AUTHENTICATE: authenticate,
  ID: id,
  ENABLE: enable,
  NAMESPACE: namespace,
  LIST: list,
  LSUB: lsub,
  STATUS: status,
  SELECT: select,
  EXAMINE: examine,
  CREATE: create,
  DELETE: deleteMailbox,
  RENAME: rename,
  SUBSCRIBE: subscribe,
  UNSUBSCRIBE: unsubscribe,
  APPEND: append,
  CHECK: check,
  CLOSE: close,
  UNSELECT: unselect,
  EXPUNGE: expunge,
  'UID EXPUNGE': expunge,
  FETCH: fetch,
  'UID FETCH': fetch,
  STORE: store,
  'UID STORE': store,
  COPY: copy,
  'UID COPY': copy,
  MOVE: move,
  'UID MOVE': move,
  SEARCH: search,
  'UID SEARCH': search,
  SORT: sort,
  'UID SORT': sort,
  CANCELUPDATE: cancelupdate,
  THREAD: thread,
  'UID THREAD': thread,
  IDLE: idle,
  GETQUOTA: getquota,
  GETQUOTAROOT: getquotaroot,
  SETQUOTA: setquota,
};
