/** What pages show of the caller's clinic: its name, 24/7 phone, time zone, idle limit, and its physicians. */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../client';
import * as s from '../schema';
import type { DateOrder } from '@/lib/domain/typed-dates';

type Reader = Pick<Db, 'select'>;

export interface ClinicHeader {
  name: string;
  phone24h: string;
  timeZone: string;
  idleTimeoutMinutes: number;
  /** How a date typed in numbers is read (decision 029). */
  dateOrder: DateOrder;
  /** A demo clinic seeded by the app: every page says so. */
  isDemo: boolean;
}

/** The clinic's header fields, or undefined for an id that names no clinic. */
export function clinicHeader(db: Reader, clinicId: number): ClinicHeader | undefined {
  return db
    .select({
      name: s.clinics.name,
      phone24h: s.clinics.phone24h,
      timeZone: s.clinics.timeZone,
      idleTimeoutMinutes: s.clinics.idleTimeoutMinutes,
      dateOrder: s.clinics.dateOrder,
      isDemo: s.clinics.isDemo,
    })
    .from(s.clinics)
    .where(eq(s.clinics.id, clinicId))
    .get();
}

/** What the public emergency page shows of a clinic: its name and 24/7 phone, found only by its emergency code. */
export function clinicByEmergencyCode(db: Reader, code: string): { name: string; phone24h: string } | undefined {
  return db
    .select({ name: s.clinics.name, phone24h: s.clinics.phone24h })
    .from(s.clinics)
    .where(eq(s.clinics.emergencyCode, code))
    .get();
}

/** The clinic's time zone ('UTC' for an id that names no clinic, as the pages did). */
export function clinicTimeZone(db: Reader, clinicId: number): string {
  return clinicHeader(db, clinicId)?.timeZone ?? 'UTC';
}

const physicianOf = (clinicId: number) => and(eq(s.users.clinicId, clinicId), eq(s.users.role, 'physician'));

/** The clinic's physicians by name, for filters and pickers. */
export function physiciansOf(db: Reader, clinicId: number): { id: string; name: string }[] {
  return db
    .select({ id: s.users.id, name: s.users.name })
    .from(s.users)
    .where(physicianOf(clinicId))
    .orderBy(asc(s.users.name))
    .all();
}

/** Whether `userId` is a physician of the clinic (a managing physician must be one). */
export function isPhysicianOfClinic(db: Reader, clinicId: number, userId: string): boolean {
  return !!db
    .select({ id: s.users.id })
    .from(s.users)
    .where(and(eq(s.users.id, userId), physicianOf(clinicId)))
    .get();
}
