import fc from 'fast-check';
import { foldLines as libraryFoldLines } from 'ical-generator';
import ICAL from 'ical.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  alarmsLast,
  buildClinicFeed,
  buildPatientFeed,
  buildReplacedFeed,
  feedEtag,
  FeedInputError,
  foldLines,
  OVERDUE_ENTRY_DAYS,
  renderFeed,
} from './feeds';
import { berlin, chicago, clinicInput, HOST, NOW, patientInput, STAMP, utc } from './test-fixtures';
import type { FeedAppointment, FeedClinic, PatientFeedInput } from './types';

interface ParsedEvent {
  uid: string;
  sequence: number;
  status: string | null;
  summary: string;
  location: string | null;
  description: string | null;
  allDay: boolean;
  /** Epoch ms for timed events; `YYYY-MM-DD` for all-day events. */
  start: number | string;
  end: number | string;
  stamp: string;
  lastModified: string | null;
  triggers: string[];
}

/** Parses a feed with ical.js, the independent parser, into plain values. */
function parse(body: string): { props: Record<string, string>; events: Map<string, ParsedEvent> } {
  const cal = new ICAL.Component(ICAL.parse(body));
  const props: Record<string, string> = {};
  for (const p of cal.getAllProperties()) props[p.name] = String(p.getFirstValue());
  const events = new Map<string, ParsedEvent>();
  for (const comp of cal.getAllSubcomponents('vevent')) {
    const e = new ICAL.Event(comp);
    const time = (t: ICAL.Time): number | string => (t.isDate ? t.toString() : t.toUnixTime() * 1000);
    expect(events.has(e.uid), `duplicate UID ${e.uid}`).toBe(false);
    events.set(e.uid, {
      uid: e.uid,
      sequence: e.sequence,
      status: comp.hasProperty('status') ? String(comp.getFirstPropertyValue('status')) : null,
      summary: e.summary,
      location: e.location,
      description: e.description,
      allDay: e.startDate.isDate,
      start: time(e.startDate),
      end: time(e.endDate),
      stamp: String(comp.getFirstPropertyValue('dtstamp')),
      lastModified: comp.hasProperty('last-modified')
        ? String(comp.getFirstPropertyValue('last-modified'))
        : null,
      triggers: comp.getAllSubcomponents('valarm').map((a) => String(a.getFirstPropertyValue('trigger'))),
    });
  }
  return { props, events };
}

function get(events: Map<string, ParsedEvent>, uid: string): ParsedEvent {
  const e = events.get(uid);
  if (!e) throw new Error(`no event ${uid}; have ${[...events.keys()].join(', ')}`);
  return e;
}

const min = 60_000;
const uid = (local: string): string => `${local}@${HOST}`;
const patientBerlin = (): string => renderFeed(buildPatientFeed(patientInput(berlin, '100234', 'Jürgen')));

describe('calendar header', () => {
  it('declares PUBLISH, a PRODID, the clinic zone and an hourly refresh, before the first event', () => {
    const body = patientBerlin();
    const { props } = parse(body);
    expect(props).toMatchObject({
      version: '2.0',
      method: 'PUBLISH',
      prodid: '-//Pump Refill Scheduler//Refill calendar feeds//EN',
      'x-wr-timezone': 'Europe/Berlin',
      'refresh-interval': 'PT1H',
      'x-published-ttl': 'PT1H',
    });
    const header = body.slice(0, body.indexOf('BEGIN:VEVENT'));
    expect(header).toContain('\r\nX-WR-TIMEZONE:Europe/Berlin\r\n');
    expect(header).toContain('\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n');
    expect(header).toContain('\r\nX-PUBLISHED-TTL:PT1H\r\n');
    // Regression: ical-generator writes custom calendar properties after the events.
    expect(body.slice(body.lastIndexOf('END:VEVENT'))).toBe('END:VEVENT\r\nEND:VCALENDAR\r\n');
  });

  it('names the calendar after the clinic, escaped, on one line', () => {
    const body = patientBerlin();
    expect(body).toContain('\r\nX-WR-CALNAME:Pump refills – Zentrum für Schmerz\\; Neuro\\, Süd Haus 2\r\n');
    expect(parse(renderFeed(buildClinicFeed(clinicInput(chicago)))).props['x-wr-timezone']).toBe(
      'America/Chicago',
    );
  });

  it('renders an empty feed as a valid calendar', () => {
    const body = renderFeed(buildPatientFeed(patientInput(berlin, 'nobody', null)));
    expect(parse(body).events.size).toBe(0);
    expect(body).toContain('\r\nX-WR-TIMEZONE:Europe/Berlin\r\nEND:VCALENDAR\r\n');
  });
});

describe('feeds parsed back with ical.js', () => {
  const allDayCases = [
    // [clinic, UID, DTSTART date, DTEND date (exclusive: the next day)]
    [berlin, 'refill-due-42-7', '2025-03-30', '2025-03-31'], // Berlin spring-forward Sunday
    [berlin, 'alarm-42-7', '2025-04-06', '2025-04-07'],
    [chicago, 'refill-due-77-3', '2025-03-09', '2025-03-10'], // Chicago spring-forward Sunday
    [chicago, 'alarm-77-3', '2025-03-16', '2025-03-17'],
    [chicago, 'refill-due-77-4', '2025-11-02', '2025-11-03'], // Chicago fall-back Sunday
    [chicago, 'alarm-77-4', '2025-11-09', '2025-11-10'],
  ] as const;

  it.each(allDayCases)(
    '%# all-day %s event %s is on the clinic-local date %s, ending %s',
    (clinic, local, start, end) => {
      const input =
        clinic === berlin ? patientInput(berlin, '100234', 'Jürgen') : patientInput(chicago, 'C-5521', null);
      const e = get(parse(renderFeed(buildPatientFeed(input))).events, uid(local));
      expect(e).toMatchObject({ allDay: true, start, end });
    },
  );

  it('staff "to arrange" entries are on the clinic-local due date, including the Berlin spring-forward Sunday', () => {
    const { events } = parse(renderFeed(buildClinicFeed(clinicInput(berlin))));
    expect(get(events, uid('staff-to-arrange-1-20250330'))).toMatchObject({
      allDay: true,
      start: '2025-03-30',
      end: '2025-03-31',
    });
    const fallBack = parse(renderFeed(buildClinicFeed(clinicInput(berlin, { now: utc('2025-10-24T10:00:00Z') })))).events;
    expect(get(fallBack, uid('staff-to-arrange-1-20251026'))).toMatchObject({ start: '2025-10-26', end: '2025-10-27' });
  });

  it.each([
    ['Berlin', berlin, '100234', ['appointment-101', 'appointment-103', 'appointment-104']],
    ['Chicago', chicago, 'C-5521', ['appointment-201', 'appointment-202']],
  ] as const)(
    '%s appointment instants, SEQUENCE, STATUS and LAST-MODIFIED round-trip exactly',
    (_, clinic, mrn, uids) => {
      const input = patientInput(clinic, mrn, null);
      const { events } = parse(renderFeed(buildPatientFeed(input)));
      for (const local of uids) {
        const source = input.appointments.find((a) => `appointment-${a.id}` === local);
        if (!source) throw new Error(local);
        expect(get(events, uid(local))).toMatchObject({
          allDay: false,
          start: source.startsAt,
          end: source.startsAt + source.durationMinutes * min,
          sequence: source.sequence,
          status: source.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
          lastModified: new Date(source.updatedAt).toISOString().replace('.000', ''),
          stamp: new Date(STAMP).toISOString().replace('.000', ''),
        });
      }
    },
  );

  it('publishes exactly the expected events, with the expected UIDs', () => {
    const patient = parse(patientBerlin()).events;
    const overdue = Array.from({ length: OVERDUE_ENTRY_DAYS }, (_, i) => {
      const d = new Date(Date.UTC(2025, 2, 31 + i)).toISOString().slice(0, 10).replaceAll('-', '');
      return `overdue-42-7-${d}`;
    });
    expect([...patient.keys()]).toEqual(
      ['appointment-103', 'appointment-101', 'appointment-104', 'refill-due-42-7', ...overdue, 'alarm-42-7'].map(uid),
    );
    expect(overdue.at(-1)).toBe('overdue-42-7-20250427'); // 28 days after Sun 30 Mar
    // The staff feed: the window's appointments (104 is in October) and one entry for the day with a refill to arrange.
    const staff = parse(renderFeed(buildClinicFeed(clinicInput(berlin)))).events;
    expect([...staff.keys()]).toEqual(
      ['staff-appointment-103', 'staff-appointment-101', 'staff-to-arrange-1-20250330'].map(uid),
    );
  });

  it('gives due-date events the input SEQUENCE and DTSTAMP/LAST-MODIFIED from stampAt', () => {
    const e = get(parse(patientBerlin()).events, uid('refill-due-42-7'));
    const stamp = new Date(STAMP).toISOString().replace('.000', '');
    expect(e).toMatchObject({ sequence: 3, stamp, lastModified: stamp });
  });

  it('reminds 2 hours before an appointment, and 7 days and 1 day (at 09:00) before the refill due date', () => {
    const { events } = parse(patientBerlin());
    expect(get(events, uid('appointment-101')).triggers).toEqual(['-PT2H']);
    expect(get(events, uid('refill-due-42-7')).triggers).toEqual(['-P6DT15H', '-PT15H']);
  });

  it('reminds at 09:00 on the alarm date and on every overdue day (relative to the start, not the end)', () => {
    const { events } = parse(patientBerlin());
    expect(get(events, uid('alarm-42-7')).triggers).toEqual(['PT9H']);
    const overdue = [...events.values()].filter((e) => e.uid.startsWith('overdue-'));
    expect(overdue).toHaveLength(OVERDUE_ENTRY_DAYS);
    for (const e of overdue) {
      expect(e).toMatchObject({ allDay: true, triggers: ['PT9H'], sequence: 3 });
      expect(e.summary).toBe('Jürgen: Refill overdue if not done: call the clinic today');
      expect(e.description).toContain('Your pump refill was due by Sun 30 Mar 2025');
      expect(e.description).toContain('+49 30 1234-5678 today');
    }
    // ical-generator relates a positive trigger to the END unless told: that would be 09:00 the next day.
    expect(patientBerlin()).not.toContain('RELATED=END');
    expect(patientBerlin()).toContain('TRIGGER;RELATED=START:PT9H\r\n');
  });

  it('writes each VALARM after the event properties (RFC 5545 3.6.1), in order', () => {
    const body = patientBerlin();
    const vevents = body.split('BEGIN:VEVENT\r\n').slice(1);
    expect(vevents.length).toBeGreaterThan(3);
    for (const v of vevents) {
      const firstAlarm = v.indexOf('BEGIN:VALARM');
      if (firstAlarm < 0) continue;
      // After the first alarm come only alarms, then END:VEVENT.
      expect(v.slice(firstAlarm)).toMatch(/^(BEGIN:VALARM\r\n(?:(?!BEGIN:|END:VEVENT)[^\r\n]*\r\n)*END:VALARM\r\n)+END:VEVENT\r\n/);
    }
    expect(get(parse(body).events, uid('refill-due-42-7')).triggers).toEqual(['-P6DT15H', '-PT15H']);
  });

  it('says so when an appointment is after the refill due date or the alarm date (E2)', () => {
    const { events } = parse(patientBerlin());
    const late = get(events, uid('appointment-101')); // Mon 31 Mar, the day after the due date
    expect(late.summary).toBe('Jürgen: Pump refill appointment – after your refill due date');
    expect(late.description).toContain('This appointment is after your pump refill due date (Sun 30 Mar 2025)');
    const input = patientInput(berlin, '100234', null);
    const afterAlarm = input.appointments.map((a) => (a.id === 101 ? { ...a, startsAt: utc('2025-04-06T09:00:00Z') } : a));
    const moved = parse(renderFeed(buildPatientFeed({ ...input, appointments: afterAlarm }))).events;
    expect(get(moved, uid('appointment-101')).summary).toBe('Pump refill appointment – after your pump alarm date');
    // A titration visit is not a refill: no note.
    expect(get(moved, uid('appointment-104')).summary).toBe('Dose titration visit');
    const onTime = input.appointments.map((a) => (a.id === 101 ? { ...a, startsAt: utc('2025-03-28T09:00:00Z') } : a));
    const early = parse(renderFeed(buildPatientFeed({ ...input, appointments: onTime }))).events;
    expect(get(early, uid('appointment-101')).summary).toBe('Pump refill appointment');
    expect(get(early, uid('appointment-101')).description).not.toContain('after your');
  });

  it('uses the patient wording, with the first name only when given', () => {
    const named = parse(patientBerlin()).events;
    expect(get(named, uid('appointment-101')).summary).toBe('Jürgen: Pump refill appointment – after your refill due date');
    expect(get(named, uid('appointment-103')).summary).toBe('Jürgen: Pump replacement surgery – cancelled');
    expect(get(named, uid('appointment-104')).summary).toBe('Jürgen: Dose titration visit');
    expect(get(named, uid('refill-due-42-7')).summary).toBe('Jürgen: Pump refill due by this date');
    expect(get(named, uid('alarm-42-7')).summary).toBe('Jürgen: Pump low-reservoir alarm expected');
    const description = get(named, uid('appointment-101')).description ?? '';
    expect(description).toContain('Bring this reminder');
    expect(description).toContain(
      'If your pump alarm sounds, call the 24/7 pump line at once: +49 30 1234-5678.',
    );

    for (const firstName of [null, '', '   ']) {
      const plain = parse(renderFeed(buildPatientFeed(patientInput(berlin, '100234', firstName)))).events;
      expect(get(plain, uid('appointment-104')).summary).toBe('Dose titration visit');
      expect(get(plain, uid('refill-due-42-7')).summary).toBe('Pump refill due by this date');
    }
  });
});

describe('text escaping', () => {
  it('round-trips commas, semicolons, backslashes, newlines and non-ASCII exactly', () => {
    const body = patientBerlin();
    const unfolded = body.replace(/\r\n /g, '');
    expect(unfolded).toContain(
      '\r\nLOCATION:Zentrum für Schmerz\\; Neuro\\, Süd\\nHaus 2\\nHauptstraße 5\\, 10115 Berlin\\\\Mitte\r\n',
    );
    const e = get(parse(body).events, uid('appointment-101'));
    expect(e.location).toBe(`${berlin.name}\n${berlin.address}`);
  });

  it('round-trips an awkward first name, and drops control characters', () => {
    const name = 'Jo;hn, "Q" \\ Zoë\u0007';
    const body = renderFeed(buildPatientFeed(patientInput(berlin, '100234', name)));
    expect(get(parse(body).events, uid('appointment-104')).summary).toBe('Jo;hn, "Q" \\ Zoë: Dose titration visit');
    expect(body).not.toContain('\u0007');
  });
});

describe('line folding', () => {
  const longClinic: FeedClinic = {
    ...berlin,
    name: '🩺 Universitätsklinikum Größenwahn-Überlingen; Zentrum für Schmerz, 中文诊所 '.repeat(4),
    address: 'Ærøskøbing-Łódź-Żółć-Straße 12\\3, Haus «Süd» — 🏥🏥🏥 '.repeat(5),
  };
  const longName = 'Ørjan-Łukasz-Žofie-Ἀλέξανδρος-عبد الله-'.repeat(3);
  const bodies = (): [string, string][] => [
    ['patient', renderFeed(buildPatientFeed(patientInput(longClinic, '100234', longName)))],
    ['clinic', renderFeed(buildClinicFeed(clinicInput(longClinic)))],
    ['patient golden input', patientBerlin()],
    ['clinic golden input', renderFeed(buildClinicFeed(clinicInput(berlin)))],
  ];

  it('never writes a line longer than 75 octets and never splits a character', () => {
    for (const [label, body] of bodies()) {
      const lines = body.split('\r\n');
      expect(lines.pop(), label).toBe(''); // the body ends with CRLF
      for (const line of lines) {
        expect(Buffer.byteLength(line, 'utf8'), `${label}: ${line}`).toBeLessThanOrEqual(75);
        expect(line, label).not.toMatch(/[\r\n]/);
        // A split surrogate pair would leave a lone surrogate on one of the two lines.
        expect(line, label).not.toMatch(
          /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/,
        );
      }
    }
  });

  it('folds long non-ASCII text so that it unfolds to the exact original', () => {
    const body = renderFeed(buildPatientFeed(patientInput(longClinic, '100234', longName)));
    expect(body.split('\r\n').some((l) => l.startsWith(' '))).toBe(true);
    const e = get(parse(body).events, uid('appointment-101'));
    expect(e.location).toBe(`${longClinic.name}\n${longClinic.address}`);
    expect(e.summary).toBe(`${longName.trim()}: Pump refill appointment – after your refill due date`);
  });
});

describe('renderFeed folding (regression: ical-generator folds with a TextEncoder per character)', () => {
  it('folds exactly as ical-generator does, for any text', () => {
    // fast-check keeps strings short unless told otherwise; folding needs lines past 74 octets.
    const text = fc.oneof(
      fc.string({ unit: 'binary', minLength: 20, maxLength: 300, size: 'max' }),
      fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', '\ud800', '\udc00', ' ', '\r\n', ','), minLength: 20, maxLength: 300, size: 'max' }),
    );
    fc.assert(fc.property(text, (s) => foldLines(s) === libraryFoldLines(s)), { numRuns: 200 });
  });

  it('renders what cal.toString() would, with the calendar properties in the header', () => {
    const cal = buildClinicFeed(clinicInput(berlin));
    const before = cal.toString();
    const rendered = renderFeed(cal);
    // Same lines, except that X-WR-TIMEZONE moved up and a final CRLF was added.
    const sorted = (s: string) => s.split('\r\n').filter(Boolean).sort();
    expect(sorted(rendered)).toEqual(sorted(before));
    expect(rendered.indexOf('X-WR-TIMEZONE')).toBeLessThan(rendered.indexOf('BEGIN:VEVENT'));
    // The calendar is left as it was.
    expect(cal.toString()).toBe(before);
  });

  it('does not construct a TextEncoder per character (the cause of 40 s renders of a large clinic feed)', () => {
    const base = clinicInput(berlin);
    const template = base.appointments[0]!;
    const appointments = Array.from({ length: 2_000 }, (_, i) => ({ ...template, id: 10_000 + i, startsAt: NOW + i * 60_000 }));
    const cal = buildClinicFeed({ ...base, appointments, dueDates: [] });
    let constructed = 0;
    const Real = globalThis.TextEncoder;
    vi.stubGlobal(
      'TextEncoder',
      class extends Real {
        constructor() {
          super();
          constructed++;
        }
      },
    );
    try {
      const body = renderFeed(cal);
      expect(body.length).toBeGreaterThan(500_000);
    } finally {
      vi.unstubAllGlobals();
    }
    // Only the short calendar header is folded by ical-generator itself.
    expect(constructed).toBeLessThan(1_000);
  });
});

describe('event lifecycle', () => {
  it('keeps the UID of a moved appointment and publishes the higher SEQUENCE and new time', () => {
    const before = patientInput(berlin, '100234', null);
    const movedTo = utc('2025-04-02T12:00:00Z');
    const after: PatientFeedInput = {
      ...before,
      appointments: before.appointments.map((a) =>
        a.id === 101
          ? { ...a, startsAt: movedTo, sequence: a.sequence + 1, updatedAt: utc('2025-03-19T07:00:00Z') }
          : a,
      ),
    };
    const old = get(parse(renderFeed(buildPatientFeed(before))).events, uid('appointment-101'));
    const moved = get(parse(renderFeed(buildPatientFeed(after))).events, uid('appointment-101'));
    expect(moved.sequence).toBe(old.sequence + 1);
    expect(moved.start).toBe(movedTo);
    expect(moved.end).toBe(movedTo + 45 * min);
  });

  const cancelled = (startsAt: number): FeedAppointment => ({
    id: 900,
    pumpId: 42,
    startsAt,
    durationMinutes: 45,
    type: 'refill',
    status: 'cancelled',
    sequence: 4,
    updatedAt: STAMP,
  });
  const feedAt = (clinic: FeedClinic, appointment: FeedAppointment, now: number) =>
    parse(
      renderFeed(
        buildPatientFeed(patientInput(clinic, 'nobody', null, { appointments: [appointment], now })),
      ),
    ).events;

  it.each([
    // Sun 30 Mar 2025 00:30 CET (before the clock change). A UTC-date rule would drop it at 00:00Z on the 30th.
    ['Berlin', berlin, '2025-03-29T23:30:00Z', '2025-03-30T21:59:59Z', '2025-03-30T22:00:00Z'],
    // Sun 2 Nov 2025 23:30 CST (after the clock change). A UTC-date rule would keep it until 4 Nov.
    ['Chicago', chicago, '2025-11-03T05:30:00Z', '2025-11-03T05:59:59Z', '2025-11-03T06:00:00Z'],
  ] as const)(
    '%s: a cancelled appointment is CANCELLED, without a reminder, until its clinic-local day has passed',
    (_, clinic, startsAt, lastSecondOfDay, nextMidnight) => {
      const appt = cancelled(utc(startsAt));
      for (const now of [utc(startsAt) - 7 * 24 * 60 * min, utc(startsAt) + 20 * min, utc(lastSecondOfDay)]) {
        const e = get(feedAt(clinic, appt, now), uid('appointment-900'));
        expect(e).toMatchObject({ status: 'CANCELLED', sequence: 4, start: utc(startsAt), triggers: [] });
      }
      expect(feedAt(clinic, appt, utc(nextMidnight)).size).toBe(0);
    },
  );

  it('keeps a booked appointment until it ends and drops it after', () => {
    const startsAt = utc('2025-03-25T08:00:00Z');
    const booked: FeedAppointment = { ...cancelled(startsAt), status: 'booked' };
    expect(get(feedAt(berlin, booked, startsAt + 44 * min), uid('appointment-900')).status).toBe('CONFIRMED');
    expect(feedAt(berlin, booked, startsAt + 45 * min).size).toBe(0);
  });

  it('never publishes done or no-show appointments', () => {
    const future = utc('2025-04-01T08:00:00Z');
    for (const status of ['done', 'no-show'] as const) {
      expect(feedAt(berlin, { ...cancelled(future), status }, NOW).size).toBe(0);
    }
  });
});

describe('a cycle with no forecast alarm date', () => {
  // Regression: the stored forecast has no alarm instant when the rate never reaches the alarm volume within the
  // engine's horizon (lowReservoirAlarmAt null); the feed must still publish the refill due date.
  const dueDate = {
    pumpId: 77,
    cycleId: 5,
    refillDueOn: '2025-03-25',
    lowReservoirAlarmOn: null,
    lowReservoirAlarmAt: null,
    emptyAt: null,
    sequence: 2,
  };

  it('publishes the refill due date and the overdue days, and no alarm event, in the patient feed', () => {
    const events = parse(renderFeed(buildPatientFeed(patientInput(berlin, 'nobody', null, { dueDates: [dueDate] })))).events;
    expect([...events.keys()].filter((u) => !u.startsWith('overdue-77-5-'))).toEqual([uid('refill-due-77-5')]);
    expect(events.size).toBe(1 + OVERDUE_ENTRY_DAYS);
    expect(get(events, uid('refill-due-77-5'))).toMatchObject({ allDay: true, start: '2025-03-25', sequence: 2 });
  });

  it('lists the pump to arrange, with no alarm date, in the staff feed', () => {
    const staffDue = { ...dueDate, patientInitials: 'J.D.', mrn: '100234', appointment: 'none' as const };
    const events = parse(renderFeed(buildClinicFeed(clinicInput(berlin, { appointments: [], dueDates: [staffDue] })))).events;
    expect([...events.keys()]).toEqual([uid('staff-to-arrange-1-20250325')]);
    expect(get(events, uid('staff-to-arrange-1-20250325')).description).toBe(
      'J.D. · pump 77: due 2025-03-25, no appointment\nThe worklist has the details.',
    );
  });
});

describe('minimal health information and the staff feed', () => {
  it('keeps MRN, initials, drug and dose out of the patient feed even when the input objects carry them', () => {
    const input = patientInput(berlin, '100234', 'Jürgen');
    const extra = {
      drugName: 'Baclofen',
      concentration: '2000 mcg/mL',
      doseMcgPerDay: 350,
      diagnosis: 'Spasticity',
    };
    const leaky: PatientFeedInput = {
      ...input,
      patient: { ...input.patient, ...{ mrn: '100234', lastName: 'Doe' } },
      appointments: input.appointments.map((a) => ({ ...a, ...extra })),
      dueDates: input.dueDates.map((d) => ({ ...d, ...extra })),
    };
    const body = renderFeed(buildPatientFeed(leaky));
    expect(body).toContain('appointment-101@'); // it is the right feed
    // No bare numbers: '350' or '2000' could occur inside a DTSTAMP.
    for (const secret of ['100234', 'J.D.', 'MRN', 'mcg', 'baclofen', 'spasticity', 'Doe']) {
      expect(body.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  });

  it('names patients by initials and pump number in the staff feed, never the MRN, with UIDs distinct from the patient feed', () => {
    const body = renderFeed(buildClinicFeed(clinicInput(berlin, { windowDays: 366 })));
    const staff = parse(body).events;
    expect(get(staff, uid('staff-appointment-101')).summary).toBe('Refill: J.D. · pump 42');
    expect(get(staff, uid('staff-appointment-103')).summary).toBe('Pump replacement: J.D. · pump 42 – cancelled');
    expect(get(staff, uid('staff-appointment-104')).summary).toBe('Titration: J.D. · pump 42');
    expect(get(staff, uid('staff-to-arrange-1-20251026')).description).toContain('A.M. · pump 43: due 2025-10-26');
    expect(get(staff, uid('staff-appointment-101')).location).toBe(`${berlin.name}\n${berlin.address}`);
    // The MRNs' digits as numbers of their own: a timestamp's digits ("T100234Z") are not an MRN.
    for (const mrn of ['100234', '100777']) expect(body).not.toMatch(new RegExp(`(?<![0-9A-Za-z])${mrn}(?![0-9])`));
    expect(body).not.toContain('MRN');

    const patientUids = [...parse(patientBerlin()).events.keys()];
    expect(patientUids.filter((u) => staff.has(u))).toEqual([]);
  });

  it('covers only the window: appointments and pumps to arrange of the next windowDays days, overdue ones on today', () => {
    const now = utc('2025-03-27T10:00:00Z'); // Thu 27 Mar: pump 42 due Sun 30 Mar
    const week = parse(renderFeed(buildClinicFeed(clinicInput(berlin, { now, windowDays: 7 })))).events;
    expect([...week.keys()]).toEqual(['staff-appointment-103', 'staff-appointment-101', 'staff-to-arrange-1-20250330'].map(uid));
    const three = parse(renderFeed(buildClinicFeed(clinicInput(berlin, { now, windowDays: 3 })))).events;
    expect([...three.keys()]).toEqual([]); // 30 Mar is the fourth day
    // Three days after the due date, the overdue pump is on today's entry, and marked so.
    const later = parse(renderFeed(buildClinicFeed(clinicInput(berlin, { now: utc('2025-04-02T10:00:00Z'), windowDays: 7 })))).events;
    const today = get(later, uid('staff-to-arrange-1-20250402'));
    expect(today.summary).toBe('Refills to arrange: 1 pump (1 overdue)');
    expect(today.description).toContain('J.D. · pump 42: OVERDUE, was due 2025-03-30, alarm 2025-04-06, appointment after the due date');
    // A pump booked on time needs no action: not listed.
    const booked = clinicInput(berlin, { now });
    const onTime = booked.dueDates.map((d) => ({ ...d, appointment: 'on-time' as const }));
    expect(parse(renderFeed(buildClinicFeed({ ...booked, dueDates: onTime }))).events.has(uid('staff-to-arrange-1-20250330'))).toBe(false);
  });

  it('puts no reminders in the staff feed', () => {
    expect(renderFeed(buildClinicFeed(clinicInput(berlin)))).not.toContain('BEGIN:VALARM');
  });
});

describe('independence from the server time zone', () => {
  const original = process.env.TZ;
  afterEach(() => {
    process.env.TZ = original;
  });

  // Regression guard: with a calendar zone set, ical-generator 10 formats plain Dates with the server's
  // local getters (floating DTSTAMP, all-day dates a day early west of UTC).
  it.each(['America/Chicago', 'Pacific/Kiritimati', 'Asia/Kolkata'])(
    'renders the same bytes with TZ=%s',
    (tz) => {
      const render = (): string[] => [
        patientBerlin(),
        renderFeed(buildPatientFeed(patientInput(chicago, 'C-5521', null))),
        renderFeed(buildClinicFeed(clinicInput(chicago))),
      ];
      process.env.TZ = 'UTC';
      const inUtc = render();
      process.env.TZ = tz;
      expect(new Date(0).getTimezoneOffset()).not.toBe(0); // the zone change took effect
      expect(render()).toEqual(inUtc);
    },
  );
});

describe('feedEtag', () => {
  it('is a quoted strong ETag that follows the bytes (text and its UTF-8 bytes agree)', () => {
    const body = patientBerlin();
    const etag = feedEtag(body);
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    expect(feedEtag(Buffer.from(body, 'utf8'))).toBe(etag);
    expect(feedEtag(patientBerlin())).toBe(etag);
    expect(feedEtag(body.replace('SEQUENCE:1', 'SEQUENCE:2'))).not.toBe(etag);
  });
});

describe('input errors', () => {
  it('rejects an unknown clinic time zone', () => {
    expect(() =>
      buildPatientFeed(patientInput({ ...berlin, timeZone: 'Mars/Olympus' }, '100234', null)),
    ).toThrow(new FeedInputError('Clinic 1 has an unknown time zone "Mars/Olympus"'));
  });

  it('rejects a due date that is not a real YYYY-MM-DD date', () => {
    const input = patientInput(berlin, '100234', null, { appointments: [] });
    const [first] = input.dueDates;
    if (!first) throw new Error('fixture');
    expect(() => buildPatientFeed({ ...input, dueDates: [{ ...first, refillDueOn: '2025-02-30' }] })).toThrow(
      'refillDueOn of pump 42 cycle 7 must be a date as YYYY-MM-DD, got "2025-02-30"',
    );
  });

  it('rejects a host that could inject lines into the UID', () => {
    expect(() => buildClinicFeed(clinicInput(berlin, { host: 'evil.org\r\nX-INJECTED:1' }))).toThrow(
      FeedInputError,
    );
  });

  it('rejects two due dates with the same pump and cycle (they would share a UID)', () => {
    const input = patientInput(berlin, '100234', null);
    expect(() => buildPatientFeed({ ...input, dueDates: [...input.dueDates, ...input.dueDates] })).toThrow(
      `Two feed events would share the UID refill-due-42-7@${HOST}`,
    );
  });
});

describe('the calendar a replaced link serves (issue 16, item 8)', () => {
  const input = { tokenId: 9, kind: 'patient' as const, revokedAt: utc('2025-03-20T22:30:00Z'), timeZone: 'Europe/Berlin', days: 30, host: HOST };

  it('is a valid calendar with one all-day entry over the grace period, from the clinic-local day of the revocation', () => {
    const { events } = parse(renderFeed(buildReplacedFeed(input)));
    expect([...events.keys()]).toEqual([uid('feed-replaced-patient-9')]);
    expect(get(events, uid('feed-replaced-patient-9'))).toMatchObject({
      allDay: true,
      start: '2025-03-20', // 23:30 in Berlin
      end: '2025-04-19',
      summary: 'This calendar link was replaced – ask your clinic for the new one',
      stamp: '2025-03-20T22:30:00Z',
      triggers: [],
    });
  });

  it('renders the same bytes on every request, and carries nothing about the patient or the clinic', () => {
    const body = renderFeed(buildReplacedFeed(input));
    expect(renderFeed(buildReplacedFeed(input))).toBe(body);
    expect(body).not.toMatch(/Zentrum|MRN|pump line: \+/);
    const staff = parse(renderFeed(buildReplacedFeed({ ...input, kind: 'clinic' }))).events;
    expect(get(staff, uid('feed-replaced-clinic-9')).description).toContain('My calendar feed');
  });
});

describe('alarmsLast', () => {
  it('moves VALARM blocks, in order, to just before END:VEVENT and leaves an event without alarms alone', () => {
    const event = 'BEGIN:VEVENT\r\nUID:a\r\nBEGIN:VALARM\r\nTRIGGER:-PT1H\r\nEND:VALARM\r\nBEGIN:VALARM\r\nTRIGGER:-PT2H\r\nEND:VALARM\r\nSUMMARY:x\r\nEND:VEVENT\r\n';
    expect(alarmsLast(event)).toBe(
      'BEGIN:VEVENT\r\nUID:a\r\nSUMMARY:x\r\nBEGIN:VALARM\r\nTRIGGER:-PT1H\r\nEND:VALARM\r\nBEGIN:VALARM\r\nTRIGGER:-PT2H\r\nEND:VALARM\r\nEND:VEVENT\r\n',
    );
    const plain = 'BEGIN:VEVENT\r\nUID:a\r\nEND:VEVENT\r\n';
    expect(alarmsLast(plain)).toBe(plain);
  });
});
