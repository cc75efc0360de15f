import { describe, expect, it } from 'vitest';
import { localDateTimeToInstant } from '@/lib/domain/calendar';
import { ATTENDANCE_LINK_LINE, ATTENDANCE_LINK_PLACEHOLDER, attendanceToken, withAttendanceLink } from './attendance';
import { afterFailure, MAX_ATTEMPTS, messageIdFor, signWebhook, verifyWebhook } from './delivery';
import { appointmentWhen } from './messages';
import { dueNotifications, parseEscalationKey, type ScheduleInput } from './schedule';

const tz = 'America/Chicago';
const at = (date: string, time: string) => localDateTimeToInstant(date, time, tz);

function input(over: Partial<ScheduleInput> = {}): ScheduleInput {
  return {
    clinic: {
      clinicId: 1,
      timeZone: tz,
      phone: '+1 555 010 0247',
      clinicWeekdays: [1, 2, 3, 4, 5],
      holidays: [],
      eveningReminderAt: '18:00',
      morningReminderAt: '07:00',
      digestAt: '07:30',
      escalateAfterMinutes: 60,
      onCall: { email: 'oncall@clinic.test', phone: '' },
      publicUrl: 'https://pumps.example.org',
    },
    channels: { email: true, sms: true },
    patients: [{ patientId: 7, initials: 'J.C.', email: 'jc@example.org', smsPhone: null }],
    pumps: [],
    appointments: [{ appointmentId: 3, pumpId: 70, patientId: 7, startsAt: at('2026-12-17', '08:30') }],
    discrepancies: [],
    criticalAlerts: [],
    failedReminders: [],
    dutyStaff: [],
    ...over,
  };
}

describe('appointment reminders', () => {
  it('formats the appointment as in the issue: "Thu 17 Dec at 08:30"', () => {
    expect(appointmentWhen(at('2026-12-17', '08:30'), tz)).toBe('Thu 17 Dec at 08:30');
  });

  it('sends the evening-before reminder from the evening time until midnight, keyed by patient, kind, date and channel', () => {
    expect(dueNotifications(input(), at('2026-12-16', '17:59'))).toEqual([]);
    const [d, ...rest] = dueNotifications(input(), at('2026-12-16', '18:00'));
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ key: 'patient:7:appointment-evening:2026-12-17:email', kind: 'appointment-evening', to: 'jc@example.org' });
    expect(d!.body).toContain('Your clinic appointment is Thu 17 Dec at 08:30. Call +1 555 010 0247 to change it.');
    expect(d!.expiresAt).toBe(at('2026-12-17', '00:00'));
    expect(dueNotifications(input(), at('2026-12-17', '00:00'))).toEqual([]);
  });

  it('puts the attendance-link placeholder in appointment e-mails only when links are on, never in an SMS', () => {
    const both = input({ patients: [{ patientId: 7, initials: 'J.C.', email: 'jc@example.org', smsPhone: '+15550100123' }] });
    const evening = at('2026-12-16', '18:00');
    const withLinks = dueNotifications({ ...both, attendanceLinks: true }, evening);
    expect(withLinks.find((d) => d.channel === 'email')!.body).toContain(ATTENDANCE_LINK_LINE);
    expect(withLinks.find((d) => d.channel === 'sms')!.body).not.toContain(ATTENDANCE_LINK_PLACEHOLDER);
    for (const d of dueNotifications(both, evening)) expect(d.body).not.toContain(ATTENDANCE_LINK_PLACEHOLDER);
  });

  it('writes the link in at send time, or drops the line when there is none', () => {
    const body = `Your clinic appointment is Thu 17 Dec at 08:30.\n\n${ATTENDANCE_LINK_LINE}\n\nThis is an automated message.`;
    expect(withAttendanceLink(body, 'https://x.test/attend/abc')).toContain('ask for another time: https://x.test/attend/abc');
    expect(withAttendanceLink(body, null)).toBe('Your clinic appointment is Thu 17 Dec at 08:30.\n\nThis is an automated message.');
    const token = attendanceToken('s'.repeat(32), 3, 1000);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(attendanceToken('s'.repeat(32), 3, 1000)).toBe(token);
    expect(attendanceToken('s'.repeat(32), 3, 1001)).not.toBe(token);
    expect(attendanceToken('t'.repeat(32), 3, 1000)).not.toBe(token);
  });

  it('sends the morning-of reminder from the morning time until the appointment starts', () => {
    expect(dueNotifications(input(), at('2026-12-17', '06:59'))).toEqual([]);
    const drafts = dueNotifications(input(), at('2026-12-17', '07:00'));
    expect(drafts.map((d) => d.key)).toEqual(['patient:7:appointment-morning:2026-12-17:email']);
    expect(drafts[0]!.body).toContain('today, Thu 17 Dec at 08:30');
    expect(dueNotifications(input(), at('2026-12-17', '08:30'))).toEqual([]);
  });

  it('needs consent per channel: no address, no message; SMS only with the SMS consent and a configured webhook', () => {
    const none = input({ patients: [{ patientId: 7, initials: 'J.C.', email: null, smsPhone: null }] });
    expect(dueNotifications(none, at('2026-12-16', '19:00'))).toEqual([]);
    const sms = input({ patients: [{ patientId: 7, initials: 'J.C.', email: null, smsPhone: '+15550100000' }] });
    expect(dueNotifications(sms, at('2026-12-16', '19:00')).map((d) => d.channel)).toEqual(['sms']);
    expect(dueNotifications({ ...sms, channels: { email: true, sms: false } }, at('2026-12-16', '19:00'))).toEqual([]);
  });
});

describe('refill reminders', () => {
  const pump = { pumpId: 70, patientId: 7, refillDueOn: '2026-12-20', lowReservoirAlarmAt: null, emptyAt: null, nextAppointmentAt: null, appointmentLate: false };
  it('asks a due-soon patient with nothing booked to book, once per due date, in daytime only', () => {
    const i = input({ appointments: [], pumps: [{ ...pump, status: 'due-soon' }] });
    expect(dueNotifications(i, at('2026-12-16', '06:00'))).toEqual([]);
    expect(dueNotifications(i, at('2026-12-16', '21:00'))).toEqual([]);
    const [d] = dueNotifications(i, at('2026-12-16', '09:00'));
    expect(d!.key).toBe('patient:7:refill-due-unbooked:2026-12-20:email');
    expect(d!.body).toContain('due by Sun 20 Dec and none is booked. Call +1 555 010 0247 to book it.');
    expect(dueNotifications({ ...i, pumps: [{ ...pump, status: 'due-soon', nextAppointmentAt: at('2026-12-18', '09:00') }] }, at('2026-12-16', '09:00'))).toEqual([]);
  });

  it('tells an overdue, past-alarm or empty patient to call the clinic today', () => {
    for (const status of ['overdue', 'critical', 'empty'] as const) {
      const [d] = dueNotifications(input({ appointments: [], pumps: [{ ...pump, status }] }), at('2026-12-21', '09:00'));
      expect(d!.kind).toBe('refill-overdue');
      expect(d!.body).toContain('Please call the clinic today: +1 555 010 0247.');
    }
  });
});

describe('staff', () => {
  const duty = [{ userId: 'u1', email: 'nurse@clinic.test' }];
  it('sends the digest on clinic mornings only, to each nurse on duty', () => {
    const i = input({ appointments: [], dutyStaff: duty });
    expect(dueNotifications(i, at('2026-12-16', '07:29'))).toEqual([]);
    expect(dueNotifications(i, at('2026-12-16', '07:30')).map((d) => d.key)).toEqual(['staff:u1:staff-digest:2026-12-16']);
    expect(dueNotifications(i, at('2026-12-19', '08:00'))).toEqual([]); // a Saturday
    expect(dueNotifications({ ...i, clinic: { ...i.clinic, holidays: ['2026-12-16'] } }, at('2026-12-16', '08:00'))).toEqual([]);
  });

  it('raises "reminder could not be delivered: call the patient" to the nurses on duty, else to on-call', () => {
    const failed = [{ notificationId: 9, patientId: 7, kind: 'appointment-evening' as const, channel: 'email' as const, error: 'SMTP 550: no such user', failedAt: at('2026-12-16', '18:01') }];
    const [d, ...others] = dueNotifications(input({ appointments: [], failedReminders: failed, dutyStaff: duty }), at('2026-12-16', '18:02')).filter((x) => x.kind !== 'staff-digest');
    expect(others).toEqual([]);
    expect(d).toMatchObject({ kind: 'undeliverable', to: 'nurse@clinic.test', key: 'staff:u1:undeliverable:9:email' });
    expect(d!.subject).toContain('Reminder could not be delivered: call the patient');
    const [toOnCall] = dueNotifications(input({ appointments: [], failedReminders: failed }), at('2026-12-16', '18:02'));
    expect(toOnCall!.to).toBe('oncall@clinic.test');
    // An SMS-only clinic: no e-mail is queued for staff; the on-call phone gets the alert by SMS.
    const smsOnly = input({ appointments: [], failedReminders: failed, dutyStaff: duty, channels: { email: false, sms: true } });
    expect(dueNotifications(smsOnly, at('2026-12-16', '18:02'))).toEqual([]);
    const withPhone = { ...smsOnly, clinic: { ...smsOnly.clinic, onCall: { email: '', phone: '+15550109999' } } };
    expect(dueNotifications(withPhone, at('2026-12-16', '18:02')).map((d) => [d.kind, d.channel, d.to])).toEqual([['undeliverable', 'sms', '+15550109999']]);
  });

  it('escalates an unacknowledged critical alert to the physician after the delay, then to on-call after twice it', () => {
    const since = at('2026-12-16', '00:00');
    const alert = { pumpId: 70, patientId: 7, kind: 'past-alarm' as const, since, acknowledged: false, physicianEmail: 'dr@clinic.test' };
    const i = input({ appointments: [], criticalAlerts: [alert] });
    expect(dueNotifications(i, since + 59 * 60_000)).toEqual([]);
    expect(dueNotifications(i, since + 60 * 60_000).map((d) => d.to)).toEqual(['dr@clinic.test']);
    expect(dueNotifications(i, since + 120 * 60_000).map((d) => [d.kind, d.to])).toEqual([
      ['escalation-physician', 'dr@clinic.test'],
      ['escalation-on-call', 'oncall@clinic.test'],
    ]);
    expect(dueNotifications(input({ appointments: [], criticalAlerts: [{ ...alert, acknowledged: true }] }), since + 180 * 60_000)).toEqual([]);
    const [first] = dueNotifications(i, since + 60 * 60_000);
    expect(parseEscalationKey(first!.key)).toEqual({ pumpId: 70, kind: 'past-alarm', since });
  });
});

describe('delivery', () => {
  it('retries with growing delays, then gives up; never retries a permanent refusal or past the expiry', () => {
    const now = 1_000_000;
    const far = now + 10 * 86_400_000;
    const delays = [1, 2, 3, 4].map((n) => (afterFailure(n, now, far, false, 'x') as { retryAt: number }).retryAt - now);
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    expect(new Set(delays).size).toBe(4);
    expect(afterFailure(MAX_ATTEMPTS, now, far, false, 'x')).toHaveProperty('giveUp');
    expect(afterFailure(1, now, far, true, 'SMTP 550')).toEqual({ giveUp: 'SMTP 550' });
    expect(afterFailure(1, now, now + 1000, false, 'x')).toHaveProperty('giveUp');
  });

  it('derives one Message-ID per notification key', () => {
    expect(messageIdFor('k1', 'example.org')).toBe(messageIdFor('k1', 'example.org'));
    expect(messageIdFor('k1', 'example.org')).not.toBe(messageIdFor('k2', 'example.org'));
    expect(messageIdFor('k1', 'example.org')).toMatch(/^<n-[0-9a-f]{32}@example\.org>$/);
  });

  it('signs the webhook body with its timestamp, and refuses a changed body, a wrong secret or a stale timestamp', () => {
    const secret = 's'.repeat(32);
    const sig = signWebhook(secret, '1000', '{"a":1}');
    expect(verifyWebhook(secret, '1000', '{"a":1}', sig, 1000)).toBe(true);
    expect(verifyWebhook(secret, '1000', '{"a":2}', sig, 1000)).toBe(false);
    expect(verifyWebhook('t'.repeat(32), '1000', '{"a":1}', sig, 1000)).toBe(false);
    expect(verifyWebhook(secret, '1000', '{"a":1}', sig, 1000 + 10 * 60_000)).toBe(false);
  });
});
