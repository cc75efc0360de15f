/**
 * Fixed inputs for the feed tests and golden files. Instants are written as UTC with the clinic-local time
 * in a comment; several fall on the daylight-saving weekends of Europe/Berlin and America/Chicago.
 */
import type { ClinicFeedInput, FeedAppointment, FeedClinic, FeedDueDate, PatientFeedInput } from './types';

export const HOST = 'pumps.example.org';

export const berlin: FeedClinic = {
  id: 1,
  name: 'Zentrum für Schmerz; Neuro, Süd\nHaus 2',
  timeZone: 'Europe/Berlin',
  phone24h: '+49 30 1234-5678',
  address: 'Hauptstraße 5, 10115 Berlin\\Mitte',
};

export const chicago: FeedClinic = {
  id: 2,
  name: 'Lakeshore Pain & Spasticity Clinic',
  timeZone: 'America/Chicago',
  phone24h: '+1 312 555 0100',
  address: '200 E Randolph St, Chicago, IL 60601',
};

export const utc = (iso: string): number => Date.parse(iso);

/** Thu 20 Mar 2025, 11:00 in Berlin. */
export const NOW = utc('2025-03-20T10:00:00Z');
export const STAMP = utc('2025-03-19T08:00:00Z');

type Labelled<T> = T & { patientInitials: string; mrn: string };
type StaffDue = Labelled<FeedDueDate> & { appointment: 'none' | 'on-time' | 'late' };

function appointment(
  a: Partial<FeedAppointment> & Pick<FeedAppointment, 'id' | 'startsAt'>,
): FeedAppointment {
  return {
    pumpId: 42,
    durationMinutes: 45,
    type: 'refill',
    status: 'booked',
    sequence: 0,
    updatedAt: utc('2025-03-01T12:00:00Z'),
    ...a,
  };
}

/** Berlin, patient J.D. (MRN 100234) with pump 42; patient A.M. (MRN 100777) with pump 43. */
export const berlinAppointments: Labelled<FeedAppointment>[] = [
  // Mon 31 Mar 2025 09:30 CEST
  {
    ...appointment({ id: 101, startsAt: utc('2025-03-31T07:30:00Z'), sequence: 1 }),
    patientInitials: 'J.D.',
    mrn: '100234',
  },
  // Sun 30 Mar 2025 03:30 CEST, the first hour after the spring-forward gap; cancelled
  {
    ...appointment({
      id: 103,
      startsAt: utc('2025-03-30T01:30:00Z'),
      type: 'replacement',
      status: 'cancelled',
      durationMinutes: 120,
      sequence: 2,
    }),
    patientInitials: 'J.D.',
    mrn: '100234',
  },
  // Sun 26 Oct 2025 10:00 CET, the fall-back day
  {
    ...appointment({
      id: 104,
      startsAt: utc('2025-10-26T09:00:00Z'),
      type: 'titration',
      durationMinutes: 30,
    }),
    patientInitials: 'J.D.',
    mrn: '100234',
  },
  // Ended an hour before NOW: dropped
  {
    ...appointment({ id: 102, startsAt: utc('2025-03-20T08:15:00Z') }),
    patientInitials: 'J.D.',
    mrn: '100234',
  },
  // Cancelled for a day that has passed: dropped
  {
    ...appointment({ id: 105, startsAt: utc('2025-03-18T09:00:00Z'), status: 'cancelled' }),
    patientInitials: 'J.D.',
    mrn: '100234',
  },
  // Done / no-show: dropped even if in the future
  {
    ...appointment({ id: 106, startsAt: utc('2025-03-21T09:00:00Z'), status: 'done' }),
    patientInitials: 'J.D.',
    mrn: '100234',
  },
  {
    ...appointment({ id: 107, startsAt: utc('2025-03-21T10:00:00Z'), status: 'no-show' }),
    patientInitials: 'A.M.',
    mrn: '100777',
  },
];

export const berlinDueDates: StaffDue[] = [
  // Due on the spring-forward Sunday
  {
    pumpId: 42,
    cycleId: 7,
    refillDueOn: '2025-03-30',
    lowReservoirAlarmOn: '2025-04-06',
    lowReservoirAlarmAt: utc('2025-04-06T08:00:00Z'),
    emptyAt: utc('2025-04-10T20:00:00Z'),
    sequence: 3,
    patientInitials: 'J.D.',
    mrn: '100234',
    appointment: 'late', // appointment 101 is the day after
  },
  // Due on the fall-back Sunday
  {
    pumpId: 43,
    cycleId: 12,
    refillDueOn: '2025-10-26',
    lowReservoirAlarmOn: '2025-11-02',
    lowReservoirAlarmAt: utc('2025-11-02T09:00:00Z'),
    emptyAt: null,
    sequence: 0,
    patientInitials: 'A.M.',
    mrn: '100777',
    appointment: 'none',
  },
];

export const chicagoAppointments: Labelled<FeedAppointment>[] = [
  // Sun 9 Mar 2025 03:30 CDT, the first hour after the spring-forward gap
  {
    ...appointment({ id: 201, pumpId: 77, startsAt: utc('2025-03-09T08:30:00Z') }),
    patientInitials: 'R.K.',
    mrn: 'C-5521',
  },
  // Sun 2 Nov 2025 01:30 CST, the second (repeated) 01:30 of the fall-back night
  {
    ...appointment({
      id: 202,
      pumpId: 77,
      startsAt: utc('2025-11-02T07:30:00Z'),
      type: 'titration',
      durationMinutes: 30,
    }),
    patientInitials: 'R.K.',
    mrn: 'C-5521',
  },
];

export const chicagoDueDates: StaffDue[] = [
  {
    pumpId: 77,
    cycleId: 3,
    refillDueOn: '2025-03-09',
    lowReservoirAlarmOn: '2025-03-16',
    lowReservoirAlarmAt: utc('2025-03-16T15:00:00Z'),
    emptyAt: utc('2025-03-20T15:00:00Z'),
    sequence: 1,
    patientInitials: 'R.K.',
    mrn: 'C-5521',
    appointment: 'on-time',
  },
  {
    pumpId: 77,
    cycleId: 4,
    refillDueOn: '2025-11-02',
    lowReservoirAlarmOn: '2025-11-09',
    lowReservoirAlarmAt: utc('2025-11-09T15:00:00Z'),
    emptyAt: utc('2025-11-13T15:00:00Z'),
    sequence: 0,
    patientInitials: 'R.K.',
    mrn: 'C-5521',
    appointment: 'none',
  },
];

export function clinicInput(clinic: FeedClinic, overrides: Partial<ClinicFeedInput> = {}): ClinicFeedInput {
  const [appointments, dueDates] =
    clinic.timeZone === 'America/Chicago'
      ? [chicagoAppointments, chicagoDueDates]
      : [berlinAppointments, berlinDueDates];
  // Chicago's appointments are all earlier in March than NOW would allow; use a "now" before them.
  const now = clinic.timeZone === 'America/Chicago' ? utc('2025-03-01T15:00:00Z') : NOW;
  // Two weeks, so that the fixture's late-March appointments and due date fall inside the window.
  return { clinic, appointments, dueDates, now, stampAt: STAMP, host: HOST, windowDays: 14, ...overrides };
}

/**
 * The patient feed of the patient with `mrn`, built from the clinic fixture. The objects keep their
 * `mrn` and `patientInitials` fields on purpose: the builder must ignore what it is not meant to publish.
 */
export function patientInput(
  clinic: FeedClinic,
  mrn: string,
  firstName: string | null,
  overrides: Partial<PatientFeedInput> = {},
): PatientFeedInput {
  const all = clinicInput(clinic);
  const [appointments, dueDates] =
    clinic.timeZone === 'America/Chicago'
      ? [chicagoAppointments, chicagoDueDates]
      : [berlinAppointments, berlinDueDates];
  return {
    clinic,
    patient: { id: 1, firstName },
    appointments: appointments.filter((a) => a.mrn === mrn),
    dueDates: dueDates.filter((d) => d.mrn === mrn),
    now: all.now,
    stampAt: STAMP,
    host: HOST,
    ...overrides,
  };
}
