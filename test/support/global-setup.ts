// Starts the real peers the suites need once for the whole run, and stops what it started.
import {
  addDovecotUserPool,
  removeDovecotUserPool,
  dovecotRunning,
  startDovecot,
  stopDovecot,
  startSmtpPeer,
  stopSmtpPeers,
  smtpPeerRunning,
  smtpPeers,
} from './peers.ts';
import { portOpen } from './ports.ts';
import { RUN_TEMP_ENV, makeRunTempRoot, removeRunTempRoot } from './temp-dir.ts';

export default async function setup(): Promise<() => void> {
  const startedDovecot = !dovecotRunning();
  if (startedDovecot) startDovecot();
  // Workers are forked after this runs, so they inherit the pool prefix and the run's temp folder.
  const prefix = `u${Date.now().toString(36)}x`;
  process.env.HEARTH_DOVECOT_POOL = prefix;
  await addDovecotUserPool(prefix);
  const tempRoot = makeRunTempRoot();
  process.env[RUN_TEMP_ENV] = tempRoot;
  const startedSmtp = !smtpPeerRunning('accept') && !(await portOpen(smtpPeers.accept));
  if (startedSmtp) startSmtpPeer('accept', ['--lmtp', '127.0.0.1:10024']);
  // Only what this run started is stopped, so concurrent runs on one machine do not collide.
  return () => {
    removeRunTempRoot(tempRoot);
    if (process.env.HEARTH_KEEP_PEERS) return;
    removeDovecotUserPool(prefix);
    if (startedSmtp) stopSmtpPeers();
    if (startedDovecot) stopDovecot();
  };
}
