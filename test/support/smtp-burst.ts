// A burst of SMTP deliveries that a stop interrupts: several clients deliver one message after
// another, each with its own Subject, until the server sends them away; `stop` is called once
// `stopAfter` messages were answered 250. Used to prove that a SIGTERM loses nothing acknowledged.
import { MaildirStore } from '../../src/main/maildir/maildir-store.ts';
import { dataBlock, RawSmtp } from './smtp-client.ts';

export interface Burst<T> {
  /** Subjects of the messages the server answered 250 for. */
  accepted: string[];
  /** Messages whose DATA was sent. */
  sent: number;
  /** What `stop` returned (null when the burst ended before `stopAfter`). */
  stopped: Promise<T> | null;
}

export async function smtpBurst<T>(o: { port: number; to: string; clients?: number; stopAfter: number; stop: () => Promise<T> }): Promise<Burst<T>> {
  const out: Burst<T> = { accepted: [], sent: 0, stopped: null };
  const body = 'x'.repeat(76) + '\r\n';
  const message = (id: string) =>
    Buffer.from(`From: <burst@example.org>\r\nTo: <${o.to}>\r\nSubject: ${id}\r\nMessage-ID: <${id}@burst.test>\r\n\r\n${body.repeat(200)}`, 'latin1');
  const client = async (n: number) => {
    const c = await RawSmtp.connect(o.port);
    try {
      if (!(await c.reply()).startsWith('220')) return;
      await c.cmd(`EHLO burst${n}.test`);
      for (let i = 0; !c.closed && i < 1000; i++) {
        const id = `burst-${n}-${i}`;
        if (!(await c.cmd('MAIL FROM:<burst@example.org>')).startsWith('250')) return;
        if (!(await c.cmd(`RCPT TO:<${o.to}>`)).startsWith('250')) return;
        if (!(await c.cmd('DATA')).startsWith('354')) return;
        out.sent++;
        c.write(dataBlock(message(id)));
        if (!(await c.reply()).startsWith('250')) return;
        out.accepted.push(id);
        // The stop comes mid-burst, while the other clients are between commands or inside DATA.
        if (out.accepted.length === o.stopAfter) out.stopped = o.stop();
      }
    } catch {
      // the server went away in the middle of a reply: that message was not acknowledged
    } finally {
      c.close();
    }
  };
  await Promise.all(Array.from({ length: o.clients ?? 6 }, (_, n) => client(n)));
  return out;
}

/** The Subjects of the messages in a user's INBOX of a Maildir store (the server stopped). */
export async function storedSubjects(storeRoot: string, user: string): Promise<Set<string>> {
  const store = new MaildirStore({ root: storeRoot });
  try {
    const inbox = await (await store.user(user)).openMailbox('INBOX');
    const stored = new Set<string>();
    for (const m of await inbox.listMessages()) {
      const raw = (await inbox.readMessageBuffer(m.uid)).toString('latin1');
      const id = /^Subject: (\S+)\r$/m.exec(raw)?.[1];
      if (id) stored.add(id);
    }
    return stored;
  } finally {
    await store.close();
  }
}
