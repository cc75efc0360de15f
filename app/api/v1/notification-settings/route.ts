import { getDb } from '@/db';
import { clinicNotificationSettings, staffOnDuty, updateClinicNotificationSettings } from '@/db/queries/notifications';
import { api } from '@/lib/http/api';
import { requestNow } from '@/lib/clock';
import { notificationSettingsSchema } from '@/lib/validation/notifications';

export const dynamic = 'force-dynamic';

/** Reminder and digest times, the escalation delay, the on-call contact, and who is on duty. */
export const GET = api({ permission: 'settings:read' }, async ({ staff }) => {
  const db = getDb();
  return { settings: clinicNotificationSettings(db, staff.clinicId), onDuty: staffOnDuty(db, staff.clinicId) };
});

export const PATCH = api({ permission: 'settings:write', body: notificationSettingsSchema }, async ({ staff, body }) => ({
  settings: updateClinicNotificationSettings(getDb(), staff, body, requestNow()),
}));
