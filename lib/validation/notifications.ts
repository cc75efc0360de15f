/**
 * Reminders and notification settings: PATCH /api/v1/patients/{id}/reminders, PATCH /api/v1/notification-settings,
 * PATCH /api/v1/staff/{id}/duty (docs/api.md).
 */
import { z } from 'zod';

const version = (min: number) =>
  z.number({ message: 'Version read is required (reload the page)' }).int('Version read is required (reload the page)').min(min, 'Version read is required (reload the page)');
const flag = (label: string) => z.boolean({ message: `${label} must be true or false` });
const time = (label: string) =>
  z.string({ message: `${label} must be a time HH:MM` }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, `${label} must be a time HH:MM between 00:00 and 23:59`);

export const reminderContactSchema = z.object({
  version: version(1),
  email: z.union([z.literal(''), z.email({ message: 'E-mail must be an address such as name@example.org' }).max(254, 'E-mail must be at most 254 characters')], {
    message: 'E-mail must be an address such as name@example.org, or empty',
  }),
  emailConsent: flag('E-mail consent'),
  smsConsent: flag('SMS consent'),
});
export type ReminderContactBody = z.infer<typeof reminderContactSchema>;

export const notificationSettingsSchema = z.object({
  // 0: never saved (the defaults), then the version read.
  version: version(0),
  eveningReminderAt: time('Evening reminder time'),
  morningReminderAt: time('Morning reminder time'),
  digestAt: time('Digest time'),
  escalateAfterMinutes: z
    .number({ message: 'Escalation delay must be a number of minutes' })
    .int('Escalation delay must be a whole number of minutes')
    .min(5, 'Escalation delay must be between 5 and 1440 minutes')
    .max(1440, 'Escalation delay must be between 5 and 1440 minutes'),
  onCallName: z.string({ message: 'On-call name must be text' }).trim().max(120, 'On-call name must be at most 120 characters'),
  onCallEmail: z.union([z.literal(''), z.email({ message: 'On-call e-mail must be an address such as oncall@example.org' })]),
  onCallPhone: z.string({ message: 'On-call phone must be text' }).trim().max(40, 'On-call phone must be at most 40 characters'),
});
export type NotificationSettingsBody = z.infer<typeof notificationSettingsSchema>;

export const staffDutySchema = z.object({ onDuty: flag('On duty') });
