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

/** How the clinic (nurse) feed names a patient. No full name: initials and MRN are enough to act on. */
export interface FeedPatientLabel {
  patientInitials: string;
  mrn: string;
}

export interface ClinicFeedInput extends FeedCommon {
  clinic: FeedClinic;
  appointments: (FeedAppointment & FeedPatientLabel)[];
  dueDates: (FeedDueDate & FeedPatientLabel)[];
}
