import { getDb } from '@/db';
import { patientNotifications, reminderContact, updateReminderContact } from '@/db/queries/notifications';
import { env } from '@/lib/env';
import { api } from '@/lib/http/api';
import { requestNow } from '@/lib/clock';
import { parseId } from '@/lib/validation/ids';
import { reminderContactSchema } from '@/lib/validation/notifications';

export const dynamic = 'force-dynamic';

function channels() {
  const config = env();
  return { email: !!config.SMTP_URL, sms: !!config.SMS_WEBHOOK_URL };
}

/** The patient's reminder e-mail, consent per channel with its date, whether reminders are configured, and the history. */
export const GET = api({ permission: 'patients:read', reads: { resource: 'patient-reminders' } }, async ({ staff, params, read }) => {
  const patientId = parseId(params.id, 'patient');
  const db = getDb();
  read({ entityId: patientId, patientIds: [patientId] });
  return { contact: reminderContact(db, staff.clinicId, patientId), channels: channels(), history: patientNotifications(db, staff.clinicId, patientId) };
});

/** Records the reminder e-mail and consent (the patient record's `version`: 409 if it moved). */
export const PATCH = api({ permission: 'patients:write', body: reminderContactSchema }, async ({ staff, params, body }) => {
  const patientId = parseId(params.id, 'patient');
  return { contact: updateReminderContact(getDb(), staff, patientId, body, requestNow()) };
});
