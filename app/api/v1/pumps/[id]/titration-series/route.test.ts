/**
 * The titration series after an implant (issue 18, item 5): what the patient page proposes (db/queries/titration.ts)
 * and POST /api/v1/pumps/{id}/titration-series, which books the ticked visits all or none.
 */
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAppointment, createPatient, createPump, DAY_MS } from '@/db/factories';
import * as s from '@/db/schema';
import { titrationOffer } from '@/db/queries/titration';
import { addDaysToLocalDate, isClinicDay, localDateOf } from '@/lib/domain/calendar';
import { titrationTargets, titrationVisitLabel, titrationOffsetsProblem } from '@/lib/domain/titration';
import { call, setupApiTest, type ApiTestContext } from '@/tests/api';

const { POST } = await import('./route');

let ctx: ApiTestContext;
let seq = 0;
const TZ = 'America/Chicago';

function addPump(implantedDaysAgo = 0, clinicId = ctx.clinic.id) {
  seq++;
  const drug = ctx.catalog.drugs.get('Lioresal Intrathecal')!;
  const patient = createPatient(ctx.db, { clinicId, mrn: `TS-${seq}`, givenName: 'Ada', familyName: 'Lovelace' });
  const { pump } = createPump(ctx.db, {
    patientId: patient.id,
    model: ctx.catalog.models.get('8637-20')!,
    serial: `TS-${seq}`,
    implantedOn: localDateOf(Date.now() - implantedDaysAgo * DAY_MS, TZ),
    program: { drugId: drug.id, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 100 },
    filledAt: Date.now() - implantedDaysAgo * DAY_MS - 60_000,
    fillMl: 20,
  });
  return pump.id;
}

const post = (token: string | null, pumpId: number, body: unknown) =>
  call(POST, { method: 'POST', token, body, params: { id: String(pumpId) } });
const titrations = (pumpId: number) =>
  ctx.db
    .select()
    .from(s.appointments)
    .where(and(eq(s.appointments.pumpId, pumpId), eq(s.appointments.type, 'titration')))
    .all();
const offerOf = (pumpId: number) => titrationOffer(ctx.db, ctx.clinic.id, pumpId, Date.now())!;
const bodyOf = (pumpId: number) => ({
  visits: offerOf(pumpId)
    .visits.filter((v) => v.slot)
    .map((v) => ({ date: v.slot!.date, time: v.slot!.time, label: v.label })),
});

beforeAll(() => {
  ctx = setupApiTest();
  ctx.db.update(s.clinics).set({ holidays: [] }).where(eq(s.clinics.id, ctx.clinic.id)).run();
});

describe('the titration days (lib/domain/titration.ts)', () => {
  it('names the visits as staff say them and dates them from the implant, in order, once each', () => {
    expect([2, 7, 14, 10].map(titrationVisitLabel)).toEqual(['day 2', 'week 1', 'week 2', 'day 10']);
    expect(titrationTargets('2026-12-30', [14, 2, 7, 2])).toEqual([
      { offsetDays: 2, label: 'day 2', targetDate: '2027-01-01' },
      { offsetDays: 7, label: 'week 1', targetDate: '2027-01-06' },
      { offsetDays: 14, label: 'week 2', targetDate: '2027-01-13' },
    ]);
  });
  it('allows whole days from 1 to 90, none twice, at most 8', () => {
    expect(titrationOffsetsProblem([2, 7, 14])).toBeNull();
    expect(titrationOffsetsProblem([])).toBeNull();
    expect(titrationOffsetsProblem([0])).toMatch(/from 1 to 90/);
    expect(titrationOffsetsProblem([91])).toMatch(/from 1 to 90/);
    expect(titrationOffsetsProblem([2.5])).toMatch(/whole number/);
    expect(titrationOffsetsProblem([7, 7])).toMatch(/twice/);
    expect(titrationOffsetsProblem([1, 2, 3, 4, 5, 6, 7, 8, 9])).toMatch(/At most 8/);
  });
});

describe('the offer', () => {
  it('proposes day 2, week 1 and week 2 by default, each on a clinic day from its target on, each on a later day', () => {
    const pumpId = addPump();
    const offer = offerOf(pumpId);
    expect(offer.visits.map((v) => v.label)).toEqual(['day 2', 'week 1', 'week 2']);
    let previous = '';
    for (const v of offer.visits) {
      expect(v.passed).toBe(false);
      expect(v.slot).not.toBeNull();
      expect(v.slot!.date >= v.targetDate).toBe(true);
      expect(isClinicDay(v.slot!.date, { clinicWeekdays: [1, 2, 3, 4, 5], holidays: [] })).toBe(true);
      expect(v.slot!.date > previous).toBe(true);
      expect(v.slot!.time >= '08:30').toBe(true);
      previous = v.slot!.date;
    }
  });

  it('skips the days that passed (a patient entered after the fact), and makes no offer once all passed', () => {
    const pumpId = addPump(10);
    const offer = offerOf(pumpId);
    expect(offer.visits.map((v) => [v.label, v.passed])).toEqual([
      ['day 2', true],
      ['week 1', true],
      ['week 2', false],
    ]);
    expect(offer.visits[0]!.slot).toBeNull();
    expect(titrationOffer(ctx.db, ctx.clinic.id, addPump(30), Date.now())).toBeNull();
  });

  it('follows the clinic setting, and makes none when it lists no day or another clinic asks', () => {
    const pumpId = addPump();
    ctx.db.update(s.clinics).set({ titrationDayOffsets: [3] }).where(eq(s.clinics.id, ctx.clinic.id)).run();
    try {
      expect(offerOf(pumpId).visits.map((v) => v.targetDate)).toEqual([
        addDaysToLocalDate(localDateOf(Date.now(), TZ), 3),
      ]);
      ctx.db.update(s.clinics).set({ titrationDayOffsets: [] }).where(eq(s.clinics.id, ctx.clinic.id)).run();
      expect(titrationOffer(ctx.db, ctx.clinic.id, pumpId, Date.now())).toBeNull();
    } finally {
      ctx.db.update(s.clinics).set({ titrationDayOffsets: [2, 7, 14] }).where(eq(s.clinics.id, ctx.clinic.id)).run();
    }
    expect(titrationOffer(ctx.db, ctx.otherClinic.id, pumpId, Date.now())).toBeNull();
  });
});

describe('POST /api/v1/pumps/{id}/titration-series', () => {
  it('books every ticked visit as a titration appointment, audited, and the offer is then withdrawn', async () => {
    const pumpId = addPump();
    const body = bodyOf(pumpId);
    const r = await post(ctx.tokens['front-desk'], pumpId, body);
    expect(r.status).toBe(201);
    expect(r.body.appointments.map((a: { date: string; time: string; type: string }) => [a.date, a.time, a.type])).toEqual(
      body.visits.map((v) => [v.date, v.time, 'titration']),
    );
    expect(titrations(pumpId).map((a) => a.notes)).toEqual([
      'Titration after the implant (day 2)',
      'Titration after the implant (week 1)',
      'Titration after the implant (week 2)',
    ]);
    const audits = ctx.db
      .select()
      .from(s.auditLog)
      .where(and(eq(s.auditLog.action, 'create'), eq(s.auditLog.entity, 'appointment'), eq(s.auditLog.actorId, ctx.users['front-desk'].id)))
      .all();
    expect(audits.length).toBeGreaterThanOrEqual(3);
    expect(titrationOffer(ctx.db, ctx.clinic.id, pumpId, Date.now())).toBeNull();
  });

  it('books only the ticked ones (the nurse unticked week 1)', async () => {
    const pumpId = addPump();
    const { visits } = bodyOf(pumpId);
    const r = await post(ctx.tokens.nurse, pumpId, { visits: [visits[0], visits[2]] });
    expect(r.status).toBe(201);
    expect(titrations(pumpId).map((a) => a.notes)).toEqual([
      'Titration after the implant (day 2)',
      'Titration after the implant (week 2)',
    ]);
  });

  it('books none when one visit is refused (a full day), naming that visit', async () => {
    const pumpId = addPump();
    const { visits } = bodyOf(pumpId);
    const full = visits[1]!;
    // Other patients take the week-1 day's last places after the offer was shown; the other two days keep room.
    const takenOn = (date: string) =>
      ctx.db.select().from(s.appointments).all().filter((a) => a.status === 'booked' && localDateOf(a.startsAt, TZ) === date).length;
    const capacity = Math.max(takenOn(visits[0]!.date), takenOn(visits[2]!.date)) + 1;
    ctx.db.update(s.clinics).set({ dailyCapacity: capacity }).where(eq(s.clinics.id, ctx.clinic.id)).run();
    try {
      for (let n = takenOn(full.date); n < capacity; n++)
        createAppointment(ctx.db, { pumpId: addPump(400), startsAt: Date.parse(`${full.date}T15:00:00Z`) + n * 60_000 });
      const r = await post(ctx.tokens.nurse, pumpId, { visits });
      expect(r.status).toBe(400);
      expect(r.body.fields['visits.1.date']).toMatch(/^The week 1 visit: .* is full/);
      expect(r.body.error).toMatch(/^Nothing was booked\./);
      expect(titrations(pumpId)).toHaveLength(0);
    } finally {
      ctx.db.update(s.clinics).set({ dailyCapacity: 12 }).where(eq(s.clinics.id, ctx.clinic.id)).run();
    }
  });

  it('books visits sent out of order in date order; one with no label is "Visit N" (its place in the list) and plain notes', async () => {
    const pumpId = addPump();
    const { visits } = bodyOf(pumpId);
    const [first, , third] = visits;
    // Refused: the unlabelled third visit, sent first, at 20:00; it is named by where it was in the request.
    const refused = await post(ctx.tokens.nurse, pumpId, { visits: [{ date: third!.date, time: '20:00' }, first] });
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.body.fields)).toEqual(['visits.0.time']);
    expect(refused.body.fields['visits.0.time']).toMatch(/^Visit 1: .*clinic hours/);
    expect(refused.body.error).toBe(`Nothing was booked. ${refused.body.fields['visits.0.time']}`);
    expect(titrations(pumpId)).toHaveLength(0);

    const r = await post(ctx.tokens.nurse, pumpId, { visits: [{ date: third!.date, time: third!.time }, first] });
    expect(r.status).toBe(201);
    expect(r.body.appointments.map((a: { date: string }) => a.date)).toEqual([first!.date, third!.date]);
    expect(titrations(pumpId).map((a) => a.notes).sort()).toEqual(['Titration after the implant', 'Titration after the implant (day 2)']);
  });

  it('refuses an explanted pump by its own field, not as one of the visits', async () => {
    const pumpId = addPump();
    const { visits } = bodyOf(pumpId);
    ctx.db.update(s.pumps).set({ status: 'explanted', explantedOn: localDateOf(Date.now(), TZ) }).where(eq(s.pumps.id, pumpId)).run();
    const r = await post(ctx.tokens.nurse, pumpId, { visits });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.fields)).toEqual(['pumpId']);
    expect(r.body.fields.pumpId).toMatch(/^The day 2 visit: This pump was explanted/);
    expect(titrations(pumpId)).toHaveLength(0);
  });

  it('refuses a visit outside clinic days or hours, two on one day, none ticked; 403 for admins, 404 elsewhere', async () => {
    const pumpId = addPump();
    const { visits } = bodyOf(pumpId);
    const late = await post(ctx.tokens.nurse, pumpId, { visits: [{ ...visits[0]!, time: '20:00' }] });
    expect(late.status).toBe(400);
    expect(late.body.fields['visits.0.time']).toMatch(/clinic hours/);
    let saturday = visits[0]!.date;
    while (new Date(`${saturday}T12:00:00Z`).getUTCDay() !== 6) saturday = addDaysToLocalDate(saturday, 1);
    const weekend = await post(ctx.tokens.nurse, pumpId, { visits: [{ ...visits[0]!, date: saturday }] });
    expect(weekend.status).toBe(400);
    expect(weekend.body.fields['visits.0.date']).toMatch(/not a clinic day/);
    const twice = await post(ctx.tokens.nurse, pumpId, { visits: [visits[0], { ...visits[0]!, time: '14:00' }] });
    expect(twice.status).toBe(400);
    expect(twice.body.fields.visits).toMatch(/same day/);
    expect((await post(ctx.tokens.nurse, pumpId, { visits: [] })).body.fields.visits).toMatch(/at least one/);
    expect((await post(ctx.tokens.admin, pumpId, { visits })).status).toBe(403);
    expect((await post(ctx.tokens.otherClinicNurse, pumpId, { visits })).status).toBe(404);
    expect(titrations(pumpId)).toHaveLength(0);
  });
});
