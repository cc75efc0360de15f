/**
 * Booking the titration visits after an implant in one step (issue 18, item 5): every visit through the one
 * booking use case (clinic days, hours, capacity, overlaps, lateness: bookAppointment), inside one transaction,
 * so that the series is booked whole or not at all. A refused visit names itself: `visits.1.date`.
 */
import { ValidationError } from '@/lib/errors';
import type { TitrationSeriesInput } from '@/lib/validation/appointment';
import { writeTransaction, type Db } from '@/db/client';
import type { AppointmentDto } from '@/db/queries/appointments';
import type { ClinicActor } from './actor';
import { bookAppointment } from './appointments';

export function bookTitrationSeries(
  db: Db,
  actor: ClinicActor,
  pumpId: number,
  input: TitrationSeriesInput,
  now: number,
): AppointmentDto[] {
  // bookAppointment's own transaction nests as a savepoint of this one: a later refusal undoes the earlier visits.
  return writeTransaction(db, () =>
    [...input.visits]
      .sort((a, b) => (a.date < b.date ? -1 : 1))
      .map((visit) => {
        try {
          return bookAppointment(
            db,
            actor,
            {
              pumpId,
              date: visit.date,
              time: visit.time,
              type: 'titration',
              notes: visit.label ? `Titration after the implant (${visit.label})` : 'Titration after the implant',
            },
            now,
          );
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          const index = input.visits.indexOf(visit);
          const name = visit.label ? `The ${visit.label} visit` : `Visit ${index + 1}`;
          const fields = Object.fromEntries(
            Object.entries(error.fields).map(([key, message]) => [
              key === 'pumpId' ? key : `visits.${index}.${key}`,
              `${name}: ${message}`,
            ]),
          );
          throw new ValidationError(
            `Nothing was booked. ${Object.values(fields).join(' ')}`,
            fields,
          );
        }
      }),
  );
}
