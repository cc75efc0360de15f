import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appointmentLateness,
  isAfterRefillDueDate,
  isConfirmationReason,
  latenessWarning,
  missingLateConfirmation,
  mayUndoNoShow,
  NO_SHOW_UNDO_MS,
  passedStartMessage,
  placesLeft,
  startHasPassed,
  takesAPlace,
} from './booking';
import { isClinicDay, isClinicHoliday, localDateTimeToInstant } from './calendar';

const TZ = 'America/Chicago';
const at = (date: string, time: string, tz = TZ) => localDateTimeToInstant(date, time, tz);

describe('isAfterRefillDueDate: the clinic-local date decides', () => {
  it('is on time through the last minute of the due date and late from the next day', () => {
    expect(isAfterRefillDueDate('2026-03-19', '2026-03-19')).toBe(false);
    expect(isAfterRefillDueDate('2026-03-18', '2026-03-19')).toBe(false);
    expect(isAfterRefillDueDate('2026-03-20', '2026-03-19')).toBe(true);
  });

  it('appointmentLateness agrees at 23:59 and 23:59:30 on the due date (the old patient-page copy called 23:59:30 late)', () => {
    const pump = { refillDueOn: '2026-03-19', lowReservoirAlarmAt: null, emptyAt: null };
    expect(appointmentLateness(at('2026-03-19', '23:59'), TZ, pump)).toBe('on-time');
    expect(appointmentLateness(at('2026-03-19', '23:59') + 30_000, TZ, pump)).toBe('on-time');
    expect(appointmentLateness(at('2026-03-20', '00:00'), TZ, pump)).toBe('after-due');
  });

  it('uses the clinic’s date, not UTC’s: 20:00 in Chicago is already tomorrow in UTC', () => {
    const pump = { refillDueOn: '2026-03-19', lowReservoirAlarmAt: null, emptyAt: null };
    expect(appointmentLateness(at('2026-03-19', '20:00'), TZ, pump)).toBe('on-time');
    expect(appointmentLateness(at('2026-03-20', '08:00', 'Pacific/Auckland'), 'Pacific/Auckland', pump)).toBe(
      'after-due',
    );
  });

  it('holds across the spring-forward day (Chicago, 8 Mar 2026)', () => {
    const pump = { refillDueOn: '2026-03-08', lowReservoirAlarmAt: null, emptyAt: null };
    expect(appointmentLateness(at('2026-03-08', '23:30'), TZ, pump)).toBe('on-time');
    expect(appointmentLateness(at('2026-03-09', '00:00'), TZ, pump)).toBe('after-due');
  });
});

describe('appointmentLateness tiers (reference.md E2)', () => {
  const pump = {
    refillDueOn: '2026-03-19',
    lowReservoirAlarmAt: at('2026-03-26', '10:00'),
    emptyAt: at('2026-03-30', '10:00'),
  };
  it('after the due date, after the alarm instant, after the empty instant', () => {
    expect(appointmentLateness(at('2026-03-19', '16:00'), TZ, pump)).toBe('on-time');
    expect(appointmentLateness(at('2026-03-26', '09:00'), TZ, pump)).toBe('after-due');
    expect(appointmentLateness(at('2026-03-26', '10:00'), TZ, pump)).toBe('after-alarm');
    expect(appointmentLateness(at('2026-03-30', '09:59'), TZ, pump)).toBe('after-alarm');
    expect(appointmentLateness(at('2026-03-30', '10:00'), TZ, pump)).toBe('after-empty');
  });
  it('a later appointment is never less late', () => {
    const rank = ['on-time', 'after-due', 'after-alarm', 'after-empty'];
    const from = at('2026-03-10', '00:00');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 * 86_400_000 }),
        fc.integer({ min: 0, max: 5 * 86_400_000 }),
        (a, d) =>
          rank.indexOf(appointmentLateness(from + a, TZ, pump)) <=
          rank.indexOf(appointmentLateness(from + a + d, TZ, pump)),
      ),
    );
  });
  it('is on time with no forecast', () => {
    expect(
      appointmentLateness(at('2030-01-01', '09:00'), TZ, {
        refillDueOn: null,
        lowReservoirAlarmAt: null,
        emptyAt: null,
      }),
    ).toBe('on-time');
  });
});

describe('missingLateConfirmation', () => {
  const pump = {
    refillDueOn: '2026-03-19',
    lowReservoirAlarmAt: at('2026-03-26', '10:00'),
    emptyAt: at('2026-03-30', '10:00'),
  };
  const startsAt = at('2026-03-27', '09:00');
  const warning = latenessWarning('after-alarm', startsAt, TZ, pump);

  it('needs nothing on time', () => {
    expect(missingLateConfirmation('on-time', null, {})).toEqual({});
  });
  it('after the due date needs a reason of at least 3 characters', () => {
    expect(Object.keys(missingLateConfirmation('after-due', 'w', {}))).toEqual(['lateReason']);
    expect(Object.keys(missingLateConfirmation('after-due', 'w', { lateReason: ' ab ' }))).toEqual([
      'lateReason',
    ]);
    expect(missingLateConfirmation('after-due', 'w', { lateReason: 'abc' })).toEqual({});
  });
  it('after the alarm needs the reason and confirmAfterAlarm: true', () => {
    expect(warning).toMatch(
      /the pump alarms on 2026-03-26 \(Thu 26 Mar 2026 10:00\) and the reservoir is empty on 2026-03-30 \(Mon 30 Mar 2026 10:00\)/,
    );
    expect(Object.keys(missingLateConfirmation('after-alarm', warning, { lateReason: 'Transport' }))).toEqual(
      ['confirmAfterAlarm'],
    );
    expect(Object.keys(missingLateConfirmation('after-alarm', warning, { confirmAfterAlarm: true }))).toEqual(
      ['lateReason'],
    );
    expect(
      missingLateConfirmation('after-empty', warning, { lateReason: 'Transport', confirmAfterAlarm: true }),
    ).toEqual({});
  });
  it('words the empty tier more strongly', () => {
    expect(latenessWarning('after-empty', at('2026-03-31', '09:00'), TZ, pump)).toMatch(
      /calculated to be EMPTY.*without the drug before this visit/,
    );
  });
});

describe('daily capacity', () => {
  it('booked and done visits take a place; cancelled and no-show free it', () => {
    expect(['booked', 'done', 'cancelled', 'no-show'].filter(takesAPlace)).toEqual(['booked', 'done']);
  });
  it('places left is never negative (an overbooked day has none)', () => {
    expect(placesLeft(0, 12)).toBe(12);
    expect(placesLeft(11, 12)).toBe(1);
    expect(placesLeft(12, 12)).toBe(0);
    expect(placesLeft(13, 12)).toBe(0);
  });
});

describe('isClinicDay: a clinic weekday that is not a holiday', () => {
  const policy = { clinicWeekdays: [1, 2, 3, 4], holidays: ['2026-03-18'] };
  it('excludes other weekdays and holidays', () => {
    expect(isClinicDay('2026-03-16', policy)).toBe(true); // Mon
    expect(isClinicDay('2026-03-18', policy)).toBe(false); // Wed, holiday
    expect(isClinicHoliday('2026-03-18', policy)).toBe(true);
    expect(isClinicDay('2026-03-20', policy)).toBe(false); // Fri is not a clinic weekday here
    expect(isClinicHoliday('2026-03-20', policy)).toBe(false);
    expect(isClinicDay('2026-03-22', { clinicWeekdays: [7], holidays: [] })).toBe(true); // a Sunday clinic
  });
});

describe('latenessWarning: what the booker reads, tier by tier (reference.md E2)', () => {
  const pump = {
    refillDueOn: '2026-03-19',
    lowReservoirAlarmAt: at('2026-03-26', '10:00'),
    emptyAt: at('2026-03-30', '10:00'),
  };

  it('says nothing for an on-time appointment', () => {
    expect(latenessWarning('on-time', at('2026-03-18', '09:00'), TZ, pump)).toBeNull();
  });

  it('after the due date: the visit and the due date, in ISO and in words', () => {
    expect(latenessWarning('after-due', at('2026-03-20', '09:00'), TZ, pump)).toBe(
      'Fri 20 Mar 2026 09:00 is after the refill due date 2026-03-19 (Thu 19 Mar 2026).',
    );
  });

  it('after the alarm: both crossings and the due date, and to book only if nothing earlier is possible', () => {
    expect(latenessWarning('after-alarm', at('2026-03-27', '09:00'), TZ, pump)).toBe(
      'Fri 27 Mar 2026 09:00 is after the low-reservoir alarm: the pump alarms on 2026-03-26 (Thu 26 Mar 2026 10:00) and the reservoir is empty on 2026-03-30 (Mon 30 Mar 2026 10:00). The refill is due 2026-03-19 (Thu 19 Mar 2026). Book this only if no earlier visit is possible.',
    );
  });

  it('names only the crossings the forecast has', () => {
    const alarmOnly = { refillDueOn: null, lowReservoirAlarmAt: pump.lowReservoirAlarmAt, emptyAt: null };
    expect(latenessWarning('after-alarm', at('2026-03-27', '09:00'), TZ, alarmOnly)).toBe(
      'Fri 27 Mar 2026 09:00 is after the low-reservoir alarm: the pump alarms on 2026-03-26 (Thu 26 Mar 2026 10:00). Book this only if no earlier visit is possible.',
    );
    const emptyOnly = { refillDueOn: null, lowReservoirAlarmAt: null, emptyAt: pump.emptyAt };
    expect(latenessWarning('after-empty', at('2026-03-31', '09:00'), TZ, emptyOnly)).toMatch(
      /^Tue 31 Mar 2026 09:00 is after the reservoir is calculated to be EMPTY: the reservoir is empty on 2026-03-30 \(Mon 30 Mar 2026 10:00\)\. The patient/,
    );
  });

  it('after the empty date: the withdrawal danger and the backup plan', () => {
    expect(latenessWarning('after-empty', at('2026-03-31', '09:00'), TZ, pump)).toBe(
      'Tue 31 Mar 2026 09:00 is after the reservoir is calculated to be EMPTY: the pump alarms on 2026-03-26 (Thu 26 Mar 2026 10:00) and the reservoir is empty on 2026-03-30 (Mon 30 Mar 2026 10:00). The patient will be without the drug before this visit; abrupt withdrawal can be life-threatening. The refill is due 2026-03-19 (Thu 19 Mar 2026). Book this only if no earlier visit is possible, and arrange the patient’s backup plan now.',
    );
  });
});

describe('missingLateConfirmation: the field messages', () => {
  it('the reason message follows the warning, or stands alone without one', () => {
    expect(missingLateConfirmation('after-due', 'Late.', {}).lateReason).toBe(
      'Late. To book it anyway, give the reason (at least 3 characters).',
    );
    expect(missingLateConfirmation('after-due', null, {}).lateReason).toBe(
      'To book it anyway, give the reason (at least 3 characters).',
    );
  });

  it('after the empty date the confirmation names the empty reservoir; after the alarm, the alarm', () => {
    expect(missingLateConfirmation('after-empty', null, { lateReason: 'Transport' })).toEqual({
      confirmAfterAlarm: 'Confirm that you are booking after the reservoir is calculated to be empty.',
    });
    expect(missingLateConfirmation('after-alarm', null, { lateReason: 'Transport' })).toEqual({
      confirmAfterAlarm: 'Confirm that you are booking after the low-reservoir alarm.',
    });
    expect(missingLateConfirmation('after-due', null, { lateReason: 'Transport' })).toEqual({});
  });

  it('an overbooking reason follows the same rule as a late reason', () => {
    expect(isConfirmationReason('ab')).toBe(false);
    expect(isConfirmationReason('  ab  ')).toBe(false);
    expect(isConfirmationReason('abc')).toBe(true);
    expect(isConfirmationReason(undefined)).toBe(false);
  });
});

describe('isAfterRefillDueDate names the malformed date', () => {
  it('the appointment date or the due date', () => {
    expect(() => isAfterRefillDueDate('2026-3-19', '2026-03-19')).toThrow(expect.objectContaining({ field: 'date' }));
    expect(() => isAfterRefillDueDate('2026-03-19', '19/03/2026')).toThrow(
      expect.objectContaining({ field: 'refillDueOn' }),
    );
  });
});

describe('startHasPassed and the no-show undo window (issue 18)', () => {
  const at = (iso: string) => Date.parse(iso);
  it('refuses a start before the current minute, keeps the current minute and later bookable', () => {
    expect(startHasPassed(at('2026-12-04T09:00:00Z'), at('2026-12-04T11:00:00Z'))).toBe(true);
    expect(startHasPassed(at('2026-12-04T10:59:00Z'), at('2026-12-04T11:00:30Z'))).toBe(true);
    expect(startHasPassed(at('2026-12-04T11:00:00Z'), at('2026-12-04T11:00:30Z'))).toBe(false);
    expect(startHasPassed(at('2026-12-04T11:15:00Z'), at('2026-12-04T11:00:30Z'))).toBe(false);
  });

  it('says which time passed and what time it is, in clinic time', () => {
    expect(passedStartMessage('09:00', at('2026-12-04T17:05:00Z'), 'America/Chicago')).toBe(
      '09:00 today has already passed (it is 11:05 now). Choose a later time or another day.',
    );
  });

  it('lets a no-show be undone for one minute, not after', () => {
    const marked = at('2026-12-04T11:00:00Z');
    expect(mayUndoNoShow(marked, marked)).toBe(true);
    expect(mayUndoNoShow(marked, marked + NO_SHOW_UNDO_MS)).toBe(true);
    expect(mayUndoNoShow(marked, marked + NO_SHOW_UNDO_MS + 1)).toBe(false);
    expect(mayUndoNoShow(marked, marked - 1)).toBe(false);
  });
});
