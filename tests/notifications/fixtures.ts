/**
 * A real SMTP server on loopback (./smtp-sink.ts), and the demo clinic seeded at a fixed evening with every patient consenting to e-mail reminders and one nurse on duty.
 */
import { eq } from 'drizzle-orm';
import { writeTransaction, type Db } from '../../db/client';
import { seedDemo } from '../../db/seed';
import * as s from '../../db/schema';
import { localDateTimeToInstant } from '../../lib/domain/calendar';
import { freshDb } from '../db';

export { parseMail, startSmtpSink, type ReceivedMail, type SmtpSink } from './smtp-sink';

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
