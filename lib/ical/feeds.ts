/**
 * Pure iCalendar feed builders: data in, ICalCalendar out. No clock, no database, no framework.
 * What the feeds contain and why is written up for patients and staff in docs/feeds.md.
 *
 * ical-generator 10 quirks this module works around (each is covered by a test in feeds.test.ts):
 * - The calendar time zone (`cal.timezone()`) is never set. With it set, ical-generator formats plain
 *   Dates with the *server's* local getters and no `Z` or TZID (DTSTAMP, DTSTART, LAST-MODIFIED become
 *   floating server-local times) and shifts all-day dates in zones west of UTC. Without it every instant is
 *   written in UTC (`...Z`) and every all-day date with UTC getters, whatever the server's TZ.
 *   X-WR-TIMEZONE is therefore written as a custom property instead.
 * - Custom calendar properties are written after the events; renderFeed() writes them in the calendar
 *   header, where RFC 5545 puts calendar properties.
 * - Folding allocates a TextEncoder per character (seconds for a large feed); renderFeed() folds itself, by the
 *   same rule.
 * - NAME / X-WR-CALNAME / X-WR-CALDESC are written without TEXT escaping (a newline in a clinic name would
 *   end the line and break the file), so they are escaped here before they are handed over.
 * - The output has no CRLF after END:VCALENDAR; renderFeed() adds it.
 * Lines are folded at 75 octets, counting UTF-8 bytes and never splitting a character (ical-generator's rule).
 */
import { createHash } from 'node:crypto';
import ical, {
  escape,
  ICalAlarmType,
  ICalCalendarMethod,
  ICalEventClass,
  ICalEventStatus,
  ICalEventTransparency,
  type ICalAlarmData,
  type ICalCalendar,
  type ICalEventData,
} from 'ical-generator';
import { appointmentLateness, isAfterRefillDueDate, type Lateness } from '../domain/booking';
import { addDaysToLocalDate, dayNumberOf, formatDayNumberForHumans, localDateOf } from '../domain/calendar';
import type { EpochMs, LocalDate } from '../domain/types';
import type {
  ClinicFeedInput,
  FeedAppointment,
  FeedAppointmentType,
  FeedClinic,
  FeedDueDate,
  PatientFeedInput,
  ReplacedFeedInput,
} from './types';

export class FeedInputError extends Error {
  override name = 'FeedInputError';
}

const HOUR_S = 60 * 60;
const DAY_S = 24 * HOUR_S;
const MINUTE_MS = 60_000;

/** Clients should poll hourly (REFRESH-INTERVAL / X-PUBLISHED-TTL); Google ignores this and polls when it likes. */
const TTL_S = HOUR_S;
const PRODID = { company: 'Pump Refill Scheduler', product: 'Refill calendar feeds', language: 'EN' };

/** Staff events get their own UID prefix so that someone subscribed to both feeds sees two events, not one. */
const STAFF_UID_PREFIX = 'staff-';

const PATIENT_APPOINTMENT_TITLE: Record<FeedAppointmentType, string> = {
  refill: 'Pump refill appointment',
  replacement: 'Pump replacement surgery',
  titration: 'Dose titration visit',
};
const STAFF_APPOINTMENT_TITLE: Record<FeedAppointmentType, string> = {
  refill: 'Refill',
  replacement: 'Pump replacement',
  titration: 'Titration',
};
const CANCELLED_SUFFIX = ' – cancelled';

// All-day reminders fire at 09:00 device-local time rather than at midnight: an all-day event starts at
// 00:00, so "1 day before" is -PT15H (09:00 the day before) and "7 days before" is -P6DT15H.
const REFILL_DUE_ALARMS = [
  { beforeS: 6 * DAY_S + 15 * HOUR_S, text: 'Your pump refill is due in 7 days.' },
  { beforeS: 15 * HOUR_S, text: 'Your pump refill is due tomorrow.' },
] as const;
const APPOINTMENT_ALARM_BEFORE_S = 2 * HOUR_S;

// ---------------------------------------------------------------------------------------------------------
// Public API

/**
 * Days after the due date that the patient feed carries an "overdue" entry, each with a 09:00 reminder. They are
 * published with the cycle, before the due date passes, so that a calendar that syncs late (Google: a day or more)
 * already holds them when the refill is missed; their text is conditional ("if not done") for the same reason. A new
 * refill starts a new cycle and removes them. Four weeks: by then the pump is long past its alarm and the clinic's
 * worklist and outreach carry the patient (issue 16, item 6).
 */
export const OVERDUE_ENTRY_DAYS = 28;

/** All-day reminders at 09:00 device time on the day itself (an all-day event starts at 00:00). */
const ON_THE_DAY_AT_S = 9 * HOUR_S;

const LATE_TITLE: Record<Exclude<Lateness, 'on-time'>, string> = {
  'after-due': ' – after your refill due date',
  'after-alarm': ' – after your pump alarm date',
  'after-empty': ' – after your pump alarm date',
};

/**
 * The patient's own feed: booked (and recently cancelled) appointments, and per refill cycle an all-day
 * "refill due" and "low-reservoir alarm expected" event and the "overdue" entries after the due date. Minimal health
 * information: no drug, dose, diagnosis or MRN, and the first name only with the patient's recorded consent.
 */
export function buildPatientFeed(input: PatientFeedInput): ICalCalendar {
  const { clinic, host } = input;
  checkInput(clinic, host);
  const clinicName = oneLine(clinic.name);
  const phone = oneLine(clinic.phone24h);
  const firstName = oneLine(input.patient.firstName ?? '');
  const titled = (title: string): string => (firstName ? `${firstName}: ${title}` : title);
  const stamp = new Date(input.stampAt);
  const alarmLine = `If your pump alarm sounds, call the 24/7 pump line at once: ${phone}.`;
  const dueByPump = new Map(input.dueDates.map((d) => [d.pumpId, d]));

  const cal = newCalendar(
    `Pump refills – ${clinicName}`,
    `Your pump refill dates and appointments at ${clinicName}. 24/7 pump line: ${phone}.`,
    clinic.timeZone,
  );
  const events = new EventList(cal);

  for (const a of shownAppointments(input.appointments, input.now, clinic.timeZone)) {
    const cancelled = a.status === 'cancelled';
    const due = a.type === 'titration' || cancelled ? undefined : dueByPump.get(a.pumpId);
    // E2 (reference.md G3): the patient is told when the visit is later than the pump can wait.
    const lateness = due ? appointmentLateness(a.startsAt, clinic.timeZone, due) : 'on-time';
    const summary =
      titled(PATIENT_APPOINTMENT_TITLE[a.type]) +
      (cancelled ? CANCELLED_SUFFIX : lateness === 'on-time' ? '' : LATE_TITLE[lateness]);
    const lateLine =
      due && lateness !== 'on-time'
        ? `This appointment is after ${
            lateness === 'after-due'
              ? `your pump refill due date (${humanDate(due.refillDueOn)})`
              : 'the date your pump low-reservoir alarm is expected to sound'
          }. Call ${clinicName} on ${phone} to ask for an earlier one.\n`
        : '';
    events.add({
      ...appointmentTimes(a, stamp),
      id: `appointment-${a.id}@${host}`,
      summary,
      location: location(clinic),
      description: cancelled
        ? `This appointment was cancelled. To book a new one, call ${clinicName} on ${phone}.\n${alarmLine}`
        : `${lateLine}Bring this reminder to your appointment.\n${alarmLine}`,
      alarms: cancelled
        ? []
        : [displayAlarm(APPOINTMENT_ALARM_BEFORE_S, `${titled(PATIENT_APPOINTMENT_TITLE[a.type])} in 2 hours at ${clinicName}.`)],
    });
  }

  for (const d of sortedDueDates(input.dueDates)) {
    const common = dueDateCommon(d, stamp);
    const what = `pump ${d.pumpId} cycle ${d.cycleId}`;
    events.add({
      ...common,
      ...allDay(d.refillDueOn, `refillDueOn of ${what}`),
      id: `refill-due-${d.pumpId}-${d.cycleId}@${host}`,
      summary: titled('Pump refill due by this date'),
      description:
        `Your pump needs to be refilled by this date. If you have no appointment yet, call ${clinicName} ` +
        `on ${phone}.\n${alarmLine}`,
      alarms: REFILL_DUE_ALARMS.map(({ beforeS, text }) => displayAlarm(beforeS, text)),
    });
    for (let day = 1; day <= OVERDUE_ENTRY_DAYS; day++) {
      const on = addDaysToLocalDate(d.refillDueOn, day);
      events.add({
        ...common,
        ...allDay(on, `overdue day ${day} of ${what}`),
        id: `overdue-${d.pumpId}-${d.cycleId}-${on.replaceAll('-', '')}@${host}`,
        summary: titled('Refill overdue if not done: call the clinic today'),
        description:
          `Your pump refill was due by ${humanDate(d.refillDueOn)}. If it has not been refilled yet, call ` +
          `${clinicName} on ${phone} today.\n${alarmLine}`,
        alarms: [displayAlarmAfterStart(ON_THE_DAY_AT_S, 'Pump refill overdue if not done: call the clinic today.')],
      });
    }
    if (d.lowReservoirAlarmOn == null) continue;
    events.add({
      ...common,
      ...allDay(d.lowReservoirAlarmOn, `lowReservoirAlarmOn of ${what}`),
      id: `alarm-${d.pumpId}-${d.cycleId}@${host}`,
      summary: titled('Pump low-reservoir alarm expected'),
      description:
        `If the pump has not been refilled by then, its low-reservoir alarm is expected to start ` +
        `sounding around this date.\n${alarmLine}`,
      alarms: [
        displayAlarmAfterStart(
          ON_THE_DAY_AT_S,
          `If your pump has not been refilled, its alarm may sound today: call ${clinicName} on ${phone}.`,
        ),
      ],
    });
  }
  return cal;
}

/**
 * The staff feed, sized for a phone (issue 16, item 9): the appointments of the next `windowDays` days, and one
 * all-day "to arrange" entry per day listing the pumps that need action (today: every overdue pump and those due
 * today; later days: those due that day) with no appointment on time. Patients appear by initials and pump
 * number only. No reminders: a nurse subscribed to a whole clinic would get one per patient.
 */
export function buildClinicFeed(input: ClinicFeedInput): ICalCalendar {
  const { clinic, host } = input;
  checkInput(clinic, host);
  if (!Number.isInteger(input.windowDays) || input.windowDays < 1) {
    throw new FeedInputError(`windowDays must be a whole number of days, at least 1, got ${input.windowDays}`);
  }
  const clinicName = oneLine(clinic.name);
  const stamp = new Date(input.stampAt);
  const tz = clinic.timeZone;
  const today = clinicDate(input.now, tz);
  const lastDay = addDaysToLocalDate(today, input.windowDays - 1);
  const who = (p: { patientInitials: string; pumpId: number }): string => `${oneLine(p.patientInitials)} · pump ${p.pumpId}`;

  const mine = input.scope === 'mine';
  const cal = newCalendar(
    mine ? `Pump refills (my patients) – ${clinicName}` : `Pump refills (staff) – ${clinicName}`,
    mine
      ? `Pump appointments and refills to arrange for the patients you manage at ${clinicName}, the next ${input.windowDays} days. For clinic staff only.`
      : `Pump appointments and refills to arrange at ${clinicName}, the next ${input.windowDays} days. For clinic staff only.`,
    tz,
  );
  const events = new EventList(cal);

  for (const a of shownAppointments(input.appointments, input.now, tz)) {
    if (clinicDate(a.startsAt, tz) > lastDay) continue;
    const cancelled = a.status === 'cancelled';
    events.add({
      ...appointmentTimes(a, stamp),
      id: `${STAFF_UID_PREFIX}appointment-${a.id}@${host}`,
      summary: `${STAFF_APPOINTMENT_TITLE[a.type]}: ${who(a)}${cancelled ? CANCELLED_SUFFIX : ''}`,
      location: location(clinic),
      description: `${PATIENT_APPOINTMENT_TITLE[a.type]}, ${a.durationMinutes} min, pump ${a.pumpId}.`,
    });
  }

  const toArrange = sortedDueDates(input.dueDates.filter((d) => d.appointment !== 'on-time'));
  for (let i = 0; i < input.windowDays; i++) {
    const day = addDaysToLocalDate(today, i);
    const pumps = toArrange.filter((d) => (i === 0 ? !isAfterRefillDueDate(d.refillDueOn, day) : d.refillDueOn === day));
    if (pumps.length === 0) continue;
    const lines = pumps.map((d) => {
      const state = isAfterRefillDueDate(day, d.refillDueOn) ? `OVERDUE, was due ${d.refillDueOn}` : `due ${d.refillDueOn}`;
      const booking = d.appointment === 'late' ? 'appointment after the due date' : 'no appointment';
      const alarm = d.lowReservoirAlarmOn == null ? '' : `, alarm ${d.lowReservoirAlarmOn}`;
      return `${who(d)}: ${state}${alarm}, ${booking}`;
    });
    const overdue = pumps.filter((d) => isAfterRefillDueDate(day, d.refillDueOn)).length;
    events.add({
      ...allDay(day, `window day ${day}`),
      id: `${STAFF_UID_PREFIX}to-arrange-${clinic.id}-${day.replaceAll('-', '')}@${host}`,
      stamp,
      lastModified: stamp,
      sequence: summarySequence(input.stampAt),
      transparency: ICalEventTransparency.TRANSPARENT,
      summary:
        `Refills to arrange: ${pumps.length} pump${pumps.length === 1 ? '' : 's'}` +
        (overdue > 0 ? ` (${overdue} overdue)` : ''),
      description: `${lines.join('\n')}\nThe worklist has the details.`,
    });
  }
  return cal;
}

/**
 * What a rotated or revoked link serves during its grace period: a valid calendar with no appointments or dates
 * and one all-day entry spanning the grace period, so that a subscribed copy drops the stale events it held (a
 * bare 404 left them in place) and the holder learns why. Nothing about the patient or the clinic is in it.
 */
export function buildReplacedFeed(input: ReplacedFeedInput): ICalCalendar {
  const { host } = input;
  checkInput({ id: 0, name: '', timeZone: input.timeZone, phone24h: '', address: '' }, host);
  if (!Number.isInteger(input.days) || input.days < 1) {
    throw new FeedInputError(`days must be a whole number of days, at least 1, got ${input.days}`);
  }
  const cal = newCalendar(
    'Pump refills – link replaced',
    'This calendar link was replaced. Ask your clinic for the new one.',
    input.timeZone,
  );
  const from = clinicDate(input.revokedAt, input.timeZone);
  const stamp = new Date(input.revokedAt);
  new EventList(cal).add({
    ...allDay(from, 'revokedAt'),
    end: allDay(addDaysToLocalDate(from, input.days), 'end of the grace period').start,
    id: `feed-replaced-${input.kind}-${input.tokenId}@${host}`,
    stamp,
    lastModified: stamp,
    sequence: 0,
    transparency: ICalEventTransparency.TRANSPARENT,
    summary: 'This calendar link was replaced – ask your clinic for the new one',
    description:
      input.kind === 'patient'
        ? 'This calendar no longer receives your appointments or refill dates. Ask your clinic for the new link, ' +
          'subscribe to it, then remove this calendar.\nIf your pump alarm sounds, call your clinic’s 24/7 pump line at once.'
        : 'This staff calendar link was replaced or withdrawn. Get your new link from My calendar feed, then ' +
          'remove this calendar.',
  });
  return cal;
}

/** The feed body to serve as `text/calendar; charset=utf-8`: CRLF line endings, folded at 75 octets. */
export function renderFeed(cal: ICalCalendar): string {
  // cal.toString() folds the whole text with a new TextEncoder per character (ical-generator 10.2; about 3 µs a
  // character, some 40 s for a clinic feed of 30,000 events). So the calendar is serialised without its events
  // (a short header), and each event is serialised unfolded and folded here by the same rule, in linear time.
  // Calendar properties then also come out in the header, where RFC 5545 puts them: with events present,
  // ical-generator writes custom ones (X-WR-TIMEZONE) after the last event.
  const events = [...cal.events()];
  let shell: string;
  cal.clear();
  try {
    shell = cal.toString();
  } finally {
    cal.events(events);
  }
  const end = 'END:VCALENDAR';
  if (!shell.endsWith(end)) throw new Error('ical-generator wrote a calendar that does not end with END:VCALENDAR');
  let body = shell.slice(0, -end.length);
  for (const event of events) body += foldLines(alarmsLast(event.toString()));
  return `${body}${end}\r\n`;
}

const VALARM_RE = /BEGIN:VALARM\r\n[\s\S]*?END:VALARM\r\n/g;

/**
 * ical-generator writes an event's VALARM blocks in the middle of its properties; RFC 5545 (3.6.1) puts components
 * after the properties, and Outlook is reported to drop what follows a VALARM. They are moved, in their order, to
 * just before END:VEVENT. (Unfolded text: a property line cannot start with BEGIN:VALARM.)
 */
export function alarmsLast(event: string): string {
  const alarms = event.match(VALARM_RE);
  if (!alarms) return event;
  const rest = event.replace(VALARM_RE, '');
  const end = rest.lastIndexOf('END:VEVENT');
  if (end < 0) throw new Error('ical-generator wrote an event without END:VEVENT');
  return rest.slice(0, end) + alarms.join('') + rest.slice(end);
}

const utf8 = new TextEncoder();

/**
 * ical-generator's line folding, byte for byte (a test compares the two): within each CRLF-separated line, a
 * character that would take the line past 74 octets starts a continuation line (CRLF, space). Sizes are UTF-8
 * octets; a surrogate pair is one character. ASCII is counted without encoding.
 */
export function foldLines(text: string): string {
  return text.split('\r\n').map(foldLine).join('\r\n');
}

function foldLine(line: string): string {
  let out = '';
  let start = 0;
  let octets = 0;
  for (let i = 0; i < line.length; i++) {
    const from = i;
    const code = line.charCodeAt(i);
    let size = 1;
    if (code >= 0x80) {
      let ch = line.charAt(i);
      if (code >= 0xd800 && code <= 0xdbff) ch += line.charAt(++i);
      size = utf8.encode(ch).length;
    }
    octets += size;
    if (octets > 74) {
      out += `${line.slice(start, from)}\r\n `;
      start = from;
      octets = size;
    }
  }
  return start === 0 ? line : out + line.slice(start);
}

/**
 * A strong ETag for the exact bytes served: the plain body (its UTF-8 text) or its gzip encoding. The two
 * encodings are two representations and get two different strong validators (RFC 9110 8.8.3.3); each derives
 * from the bytes alone, so an unchanged feed keeps its ETag across recomputes and restarts (issue 16, item 7).
 */
export function feedEtag(body: string | Uint8Array): string {
  return `"${createHash('sha256').update(body).digest('base64url')}"`;
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

class EventList {
  private readonly uids = new Set<string>();
  constructor(private readonly cal: ICalCalendar) {}

  add(event: ICalEventData & { id: string }): void {
    if (this.uids.has(event.id)) throw new FeedInputError(`Two feed events would share the UID ${event.id}`);
    this.uids.add(event.id);
    const created = this.cal.createEvent({ class: ICalEventClass.PRIVATE, ...event });
    // ical-generator relates a trigger after the start to the event's END unless told otherwise (and takes no
    // relatesTo in the alarm's data): for an all-day event, PT9H would then fire at 09:00 the next day.
    for (const alarm of created.alarms()) {
      const after = alarm.triggerAfter();
      if (typeof after === 'number' && after > 0) alarm.relatesTo('START');
    }
  }
}

function newCalendar(name: string, description: string, timeZone: string): ICalCalendar {
  return ical({
    prodId: PRODID,
    method: ICalCalendarMethod.PUBLISH,
    // ical-generator writes NAME, X-WR-CALNAME and X-WR-CALDESC verbatim: escape them here.
    name: escape(oneLine(name), false),
    description: escape(description, false),
    ttl: TTL_S,
    x: [['X-WR-TIMEZONE', timeZone]],
  });
}

function checkInput(clinic: FeedClinic, host: string): void {
  // The UID is written unescaped, so the host must be a plain host name (optionally with a port).
  if (!/^[A-Za-z0-9.-]+(?::\d+)?$/.test(host)) {
    throw new FeedInputError(
      `Feed host must be a host name such as pumps.example.org, got ${JSON.stringify(host)}`,
    );
  }
  try {
    new Intl.DateTimeFormat('en', { timeZone: clinic.timeZone });
  } catch {
    throw new FeedInputError(
      `Clinic ${clinic.id} has an unknown time zone ${JSON.stringify(clinic.timeZone)}`,
    );
  }
}

/**
 * Booked appointments until they end; cancelled ones (shown as cancelled) until the end of their
 * clinic-local day, so that a patient who looks at the calendar that day sees it was called off;
 * done and no-show ones never.
 */
function shownAppointments<A extends FeedAppointment>(
  appointments: A[],
  now: EpochMs,
  timeZone: string,
): A[] {
  const today = clinicDate(now, timeZone);
  return appointments
    .filter((a) => {
      if (a.status === 'done' || a.status === 'no-show') return false;
      if (!(a.durationMinutes > 0)) {
        throw new FeedInputError(`Appointment ${a.id} must last at least 1 minute, got ${a.durationMinutes}`);
      }
      switch (a.status) {
        case 'booked':
          return appointmentEnd(a) > now;
        case 'cancelled':
          return clinicDate(a.startsAt, timeZone) >= today;
      }
    })
    .sort((x, y) => x.startsAt - y.startsAt || x.id - y.id);
}

function sortedDueDates<D extends FeedDueDate>(dueDates: D[]): D[] {
  return [...dueDates].sort(
    (x, y) => x.refillDueOn.localeCompare(y.refillDueOn) || x.pumpId - y.pumpId || x.cycleId - y.cycleId,
  );
}

function appointmentEnd(a: FeedAppointment): EpochMs {
  return a.startsAt + a.durationMinutes * MINUTE_MS;
}

/** Timed events are written in UTC (`Z`), which Google, Apple and Outlook all read without a VTIMEZONE. */
function appointmentTimes(a: FeedAppointment, stamp: Date) {
  const cancelled = a.status === 'cancelled';
  return {
    start: new Date(a.startsAt),
    end: new Date(appointmentEnd(a)),
    stamp,
    lastModified: new Date(a.updatedAt),
    sequence: a.sequence,
    status: cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    transparency: cancelled ? ICalEventTransparency.TRANSPARENT : ICalEventTransparency.OPAQUE,
  } satisfies Partial<ICalEventData>;
}

function dueDateCommon(d: FeedDueDate, stamp: Date) {
  return {
    stamp,
    lastModified: stamp,
    sequence: d.sequence,
    transparency: ICalEventTransparency.TRANSPARENT,
  } satisfies Partial<ICalEventData>;
}

/**
 * An all-day event on a clinic-local date: DTSTART;VALUE=DATE and DTEND the next day (RFC 5545 DTEND is
 * exclusive). The Dates are UTC midnights used only as carriers: with no calendar time zone set,
 * ical-generator writes all-day dates with UTC getters, so the written date is `on` whatever the server's TZ.
 */
function allDay(on: LocalDate, what: string): { allDay: true; start: Date; end: Date } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(on);
  const [year, month, day] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [NaN, NaN, NaN];
  const start = new Date(Date.UTC(year, month - 1, day));
  if (!m || start.toISOString().slice(0, 10) !== on) {
    throw new FeedInputError(`${what} must be a date as YYYY-MM-DD, got ${JSON.stringify(on)}`);
  }
  return { allDay: true, start, end: new Date(Date.UTC(year, month - 1, day + 1)) };
}

function clinicDate(at: EpochMs, timeZone: string): LocalDate {
  return localDateOf(at, timeZone);
}

function location(clinic: FeedClinic) {
  const address = clean(clinic.address);
  return { title: clean(clinic.name), ...(address ? { address } : {}) };
}

function displayAlarm(beforeS: number, description: string): ICalAlarmData {
  return { type: ICalAlarmType.display, triggerBefore: beforeS, description };
}

function displayAlarmAfterStart(afterS: number, description: string): ICalAlarmData {
  return { type: ICalAlarmType.display, triggerAfter: afterS, description };
}

/** `Fri 6 Feb 2026`: the domain's way of writing a date for people. */
function humanDate(date: LocalDate): string {
  return formatDayNumberForHumans(dayNumberOf(date));
}

/**
 * SEQUENCE of an entry that summarises many rows (the staff feed's "to arrange" days): whole seconds of the feed's
 * latest change since 2025-01-01, so it rises with every change to the data behind it and never with a re-request.
 */
const SEQUENCE_EPOCH_MS = Date.UTC(2025, 0, 1);
function summarySequence(stampAt: EpochMs): number {
  return Math.max(0, Math.floor((stampAt - SEQUENCE_EPOCH_MS) / 1000));
}

/** For a name inside a sentence or a title; LOCATION keeps the clinic's own line breaks. */
function oneLine(text: string): string {
  return clean(text).replace(/\s+/g, ' ').trim();
}

/** Control characters other than tab and line breaks are not allowed in iCalendar TEXT: drop them. */
function clean(text: string): string {
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '');
}
