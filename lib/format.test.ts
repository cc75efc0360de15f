import { describe, expect, it } from 'vitest';
import { localDateTimeToInstant } from '@/lib/domain/calendar';
import {
  alarmVolumeLabel,
  alertShortText,
  drugLeftText,
  formatDayMonth,
  formatInstant,
  formatShortDate,
  formatShortInstant,
  formatTime,
  noAlarmText,
  telHref,
} from './format';

// Lord Howe Island moves its clocks by 30 minutes (reference: the tz database, Australia/Lord_Howe).
describe('clinic-local times on pages, whatever the server TZ', () => {
  it('reads the clock across the 30-minute spring-forward gap', () => {
    expect(formatTime(Date.parse('2026-10-03T15:29:00Z'), 'Australia/Lord_Howe')).toBe('01:59');
    expect(formatTime(Date.parse('2026-10-03T15:30:00Z'), 'Australia/Lord_Howe')).toBe('02:30');
    expect(formatInstant(Date.parse('2026-10-03T15:30:00Z'), 'Australia/Lord_Howe')).toBe('Sun 4 Oct 2026 02:30');
  });

  it('shows the repeated half hour twice when the clocks go back', () => {
    expect(formatTime(Date.parse('2026-04-04T14:45:00Z'), 'Australia/Lord_Howe')).toBe('01:45');
    expect(formatTime(Date.parse('2026-04-04T15:15:00Z'), 'Australia/Lord_Howe')).toBe('01:45');
    expect(formatTime(Date.parse('2026-04-04T15:30:00Z'), 'Australia/Lord_Howe')).toBe('02:00');
  });

  it('prints midnight as 00:00 and a Chicago evening on its own date', () => {
    expect(formatTime(Date.parse('2026-03-08T06:00:00Z'), 'America/Chicago')).toBe('00:00');
    expect(formatInstant(Date.parse('2026-03-09T03:30:00Z'), 'America/Chicago')).toBe('Sun 8 Mar 2026 22:30');
  });
});

const DAY = 86_400_000;
const now = Date.UTC(2026, 11, 3, 15, 0);

describe('drugLeftText (the worklist "Drug left" column)', () => {
  const base = { volumeNowMl: 12.5, daysToAlarm: 14, lowReservoirAlarmAt: now + 14.5 * DAY, emptyAt: now + 40 * DAY, constantFlow: false, now };

  it('shows the volume and the days to the alarm', () => {
    expect(drugLeftText(base)).toBe('12.5 mL · 14 d to alarm');
  });

  it('says "alarm passed" for an alarm in the past, never "0 d to alarm"', () => {
    expect(drugLeftText({ ...base, volumeNowMl: 1.2, daysToAlarm: 0, lowReservoirAlarmAt: now - 1 })).toBe('1.2 mL · alarm passed');
  });

  it('says "alarm today" for an alarm later today', () => {
    expect(drugLeftText({ ...base, volumeNowMl: 2.1, daysToAlarm: 0, lowReservoirAlarmAt: now + 3_600_000 })).toBe('2.1 mL · alarm today');
  });

  it('says "empty" once the forecast empty instant has passed', () => {
    expect(drugLeftText({ ...base, volumeNowMl: 0, daysToAlarm: 0, lowReservoirAlarmAt: now - 5 * DAY, emptyAt: now - DAY })).toBe('empty');
  });

  it('counts to the reserve, not an alarm, on a constant-flow pump', () => {
    expect(drugLeftText({ ...base, constantFlow: true })).toBe('12.5 mL · 14 d to reserve');
    expect(drugLeftText({ ...base, constantFlow: true, lowReservoirAlarmAt: now - 1, daysToAlarm: 0 })).toBe('12.5 mL · reserve passed');
  });

  it('shows the volume alone when no alarm is reached within the horizon (a zero rate)', () => {
    expect(drugLeftText({ ...base, daysToAlarm: null, lowReservoirAlarmAt: null, emptyAt: null })).toBe('12.5 mL');
  });
});

describe('alarmVolumeLabel', () => {
  it('names the alarm of a programmable pump and the reserve of a constant-flow pump', () => {
    expect(alarmVolumeLabel(false, 2)).toBe('Alarm (2 mL)');
    expect(alarmVolumeLabel(true, 3)).toBe('Reserve (3 mL), no alarm');
    expect(noAlarmText).toBe('Reserve, no alarm');
  });
});

describe('short dates for dense rows', () => {
  it('drops the year of the current year only', () => {
    expect(formatShortDate('2026-12-02', '2026-12-03')).toBe('Wed 2 Dec');
    expect(formatShortDate('2027-01-04', '2026-12-03')).toBe('Mon 4 Jan 2027');
    expect(formatShortDate(null, '2026-12-03')).toBe('—');
  });

  it('prints an instant in the clinic zone, the year only when it is not the current one', () => {
    const at = localDateTimeToInstant('2026-12-04', '09:30', 'America/Chicago');
    expect(formatShortInstant(at, 'America/Chicago', '2026-12-03')).toBe('Fri 4 Dec 09:30');
    expect(formatShortInstant(at, 'Australia/Sydney', '2026-12-03')).toBe('Sat 5 Dec 02:30');
    const next = localDateTimeToInstant('2027-01-05', '14:05', 'Europe/Berlin');
    expect(formatShortInstant(next, 'Europe/Berlin', '2026-12-03')).toBe('Tue 5 Jan 2027 14:05');
    expect(formatShortInstant(null, 'Europe/Berlin', '2026-12-03')).toBe('—');
  });
});

describe('telHref', () => {
  it('keeps the digits and a leading plus, as RFC 3966 wants', () => {
    expect(telHref('+1 555 0101 1001')).toBe('tel:+155501011001');
    expect(telHref('(312) 555-0147')).toBe('tel:3125550147');
  });

  it('gives no link without a number to dial', () => {
    expect(telHref('')).toBeNull();
    expect(telHref('n/a')).toBeNull();
    expect(telHref(null)).toBeNull();
  });
});

describe('alertShortText', () => {
  it('names an alert in a few words, and falls back to the code', () => {
    expect(alertShortText('E5')).toBe('Residual volume discrepancy');
    expect(alertShortText('E99')).toBe('E99');
  });
});

describe('formatDayMonth', () => {
  it('labels a chart day without the weekday, with a two-digit year when asked', () => {
    expect(formatDayMonth('2026-12-02')).toBe('2 Dec');
    expect(formatDayMonth('2027-03-15', true)).toBe('15 Mar 27');
  });
});
