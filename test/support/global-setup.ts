// Starts the real peers the suites need once for the whole run, and stops what it started.
import { dovecotRunning, startDovecot, stopDovecot, startSmtpPeer, stopSmtpPeers } from './peers.ts';

export default function setup(): () => void {
  const startedDovecot = !dovecotRunning();
  if (startedDovecot) startDovecot();
  startSmtpPeer('accept', ['--lmtp', '127.0.0.1:10024']);
  return () => {
    if (process.env.HEARTH_KEEP_PEERS) return;
    stopSmtpPeers();
    if (startedDovecot) stopDovecot();
  };
}
