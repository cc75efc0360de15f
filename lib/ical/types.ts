/**
 * The iCalendar feed builder's contract. Pure data: the data layer loads it, `feeds.ts` turns it into a
 * calendar. Instants are epoch milliseconds (`...At`); due dates are clinic-local calendar dates (`...On`).
 */
import type { EpochMs, LocalDate } from '../domain/types';

export interface FeedClinic {
  id: number;
  name: string;
  /** IANA zone, e.g. `Europe/Berlin`. Decides which calendar day an appointment falls on. */
  timeZone: string;
  phone24h: string;
  address: string;
}

export type FeedAppointmentType = 'refill' | 'replacement' | 'titration';
export type FeedAppointmentStatus = 'booked' | 'done' | 'cancelled' | 'no-show';

export interface FeedAppointment {
  id: number;
  pumpId: number;
  startsAt: EpochMs;
  durationMinutes: number;
  type: FeedAppointmentType;
  status: FeedAppointmentStatus;
  /** iCalendar SEQUENCE: bump it on every change (moved, cancelled) so clients replace the event. */
  sequence: number;
  /** Becomes LAST-MODIFIED. */
  updatedAt: EpochMs;
}

export interface FeedDueDate {
  pumpId: number;
  /** The refill visit that started this cycle; with `pumpId` it makes the event's UID stable. */
  cycleId: number;
  refillDueOn: LocalDate;
  /**
   * Null when the forecast finds no alarm crossing within its horizon (e.g. a program that delivers nothing):
   * the due-date event is still published, the alarm event is not (a made-up date would be worse).
   */
  lowReservoirAlarmOn: LocalDate | null;
  /** The forecast's instants, for telling an appointment that falls after the alarm or the empty date (E2). */
  lowReservoirAlarmAt: EpochMs | null;
  emptyAt: EpochMs | null;
  /** Bump whenever a program change, refill or discrepancy moves either date (reference.md G3). */
  sequence: number;
}

interface FeedCommon {
  /** Decides which appointments are still shown (see docs/feeds.md). Never written to the feed. */
  now: EpochMs;
  /**
   * DTSTAMP of every event, and LAST-MODIFIED of the due-date events (which have no `updatedAt` of their
   * own). Pass the time of the latest change in the feed, not the request time, so that an unchanged feed
   * renders byte-for-byte the same and keeps its ETag.
   */
  stampAt: EpochMs;
  /** Right-hand side of every UID, e.g. `pumps.example.org`. */
  host: string;
}

export interface PatientFeedInput extends FeedCommon {
  clinic: FeedClinic;
  /** Only the first name, and only if the patient chose to show it in event titles. */
  patient: { id: number; firstName: string | null };
  appointments: FeedAppointment[];
  dueDates: FeedDueDate[];
}

/**
 * How the clinic (nurse) feed names a patient: initials only, with the pump number as the short reference (no MRN,
 * no name: the feed sits in third-party calendars protected only by its URL). The worklist finds a pump by number.
 */
export interface FeedPatientLabel {
  patientInitials: string;
}

export interface ClinicFeedInput extends FeedCommon {
  clinic: FeedClinic;
  /** The loader passes the window's appointments (CLINIC_FEED_WINDOW); the builder applies the shown rule. */
  appointments: (FeedAppointment & FeedPatientLabel)[];
  /**
   * The current cycle of every active pump due by the end of the window, with its next appointment: none, on time
   * or after the due date. The builder lists those without an appointment on time.
   */
  dueDates: (FeedDueDate & FeedPatientLabel & { appointment: 'none' | 'on-time' | 'late' })[];
  /** Days from today (clinic-local) that the feed covers: one "to arrange" entry per day, appointments within it. */
  windowDays: number;
  /** The whole clinic, or the viewer's own patients (decision 026); names the calendar. Clinic when absent. */
  scope?: 'mine' | 'clinic';
}

/** The calendar a rotated or revoked link serves for a grace period (docs/feeds.md, "If your link gets out"). */
export interface ReplacedFeedInput {
  /** The revoked token's id: the UID of the one entry, stable across requests. */
  tokenId: number;
  kind: 'patient' | 'clinic';
  revokedAt: EpochMs;
  /** Decides the entry's date; the clinic's zone. */
  timeZone: string;
  /** How many days the entry spans (the grace period). */
  days: number;
  host: string;
}
