/**
 * A real SMTP server on loopback (the smtp-server package, in-process) that keeps what it receives, and the demo
 * clinic seeded at a fixed evening with every patient consenting to e-mail reminders and one nurse on duty.
 */
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { SMTPServer } from 'smtp-server';
import { writeTransaction, type Db } from '../../db/client';
import { seedDemo } from '../../db/seed';
import * as s from '../../db/schema';
import { localDateTimeToInstant } from '../../lib/domain/calendar';
import { freshDb } from '../db';

export interface ReceivedMail {
  to: string[];
  subject: string;
  messageId: string;
  text: string;
  raw: string;
}

function decodeQuotedPrintable(body: string): string {
  const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => `%${h}`);
  try {
    return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'));
  } catch {
    return bytes;
  }
}

/** Headers unfolded; the body decoded from quoted-printable or base64 as nodemailer encodes plain text. */
export function parseMail(raw: string, to: string[]): ReceivedMail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text = encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : encoding === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : body;
  const subject = header('Subject').replace(/=\?utf-8\?Q\?(.*?)\?=/gi, (_, q: string) => decodeQuotedPrintable(q.replace(/_/g, ' '))).replace(/\?=\s+=\?/g, '');
  return { to, subject, messageId: header('Message-ID'), text: text.replace(/\r\n/g, '\n'), raw };
}

export interface SmtpSink {
  url: string;
  received: ReceivedMail[];
  /** Called with each message before the server answers 250 (it waits for a returned promise); throw to refuse it. */
  onMessage: ((mail: ReceivedMail) => void | Promise<void>) | null;
  /** Recipients the server refuses with 550 (a mailbox that does not exist). */
  refuse: Set<string>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const sink: SmtpSink = { url: '', received: [], onMessage: null, refuse: new Set(), close: async () => {} };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (sink.refuse.has(address.address)) {
        const error = new Error('5.1.1 No such mailbox') as Error & { responseCode: number };
        error.responseCode = 550;
        callback(error);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const mail = parseMail(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo.map((r) => r.address));
        sink.received.push(mail);
        Promise.resolve()
          .then(() => sink.onMessage?.(mail))
          .then(() => callback(), (error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  sink.url = `smtp://127.0.0.1:${port}`;
  sink.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}

export const timeZone = 'America/Chicago';
/** Wednesday 16 December 2026, 18:30 in the clinic: the evening-before window, the overdue window and a clinic day. */
export const EVENING = localDateTimeToInstant('2026-12-16', '18:30', timeZone);
export const patientEmail = (patientId: number) => `patient-${patientId}@patients.test`;

export async function demoClinicWithConsent(now = EVENING): Promise<{ db: Db; clinicId: number; nurse: { id: string; email: string } }> {
  const db = freshDb();
  const seeded = await seedDemo(db, { now, timeZone });
  if (!seeded) throw new Error('demo seed did not run');
  const nurse = db.select({ id: s.users.id, email: s.users.email }).from(s.users).where(eq(s.users.email, 'nurse@demo.clinic')).get()!;
  writeTransaction(db, (tx) => {
    for (const p of tx.select({ id: s.patients.id }).from(s.patients).all())
      tx.update(s.patients).set({ reminderEmail: patientEmail(p.id), emailRemindersConsentedAt: now - 86_400_000 }).where(eq(s.patients.id, p.id)).run();
    tx.insert(s.staffNotificationSettings).values({ userId: nurse.id, onDuty: true }).run();
  });
  return { db, clinicId: seeded.clinicId, nurse };
}

/** Every drug name and product word of the catalogue, and anything that reads as a dose or volume. */
export function drugOrDoseIn(db: Db, text: string): string | null {
  for (const d of db.select({ name: s.drugs.name, product: s.drugs.product }).from(s.drugs).all()) {
    for (const word of [d.name, ...d.product.split(/[\s()]+/)].filter((w) => w.length >= 5))
      if (text.toLowerCase().includes(word.toLowerCase())) return word;
  }
  return /\b\d+(?:[.,]\d+)?\s*(?:mcg|µg|mg|ml|mL|units?)\b/i.exec(text)?.[0] ?? null;
}
