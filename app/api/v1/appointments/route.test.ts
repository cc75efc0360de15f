import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { DAY_MS, createAppointment, createPatient, createPump } from '@/db/factories';
import { refreshForecasts } from '@/db/queries/forecasts';
import { findOpenSlots } from '@/db/queries/slots';
import { listWorklist } from '@/db/queries/worklist';
import * as s from '@/db/schema';
import { localDateTimeToInstant } from '@/lib/domain/calendar';
import { call, setupApiTest, type ApiTestContext } from '@/tests/api';
import { PATCH } from './[id]/route';
import { GET, POST } from './route';
import { GET as SLOTS } from '../slots/route';

// Tuesday 10 March 2026, 10:00 in Chicago (CDT since 8 March): a clinic day, after opening time.
const NOW = Date.parse('2026-03-10T15:00:00Z');
const TZ = 'America/Chicago';
const at = (date: string, time: string) => localDateTimeToInstant(date, time, TZ);

let ctx: ApiTestContext;
let mrn = 1000;

/** A SynchroMed 20 mL pump on baclofen 500 mcg/mL at 250 mcg/day (0.5 mL/day), filled `daysAgo` days ago. */
function pumpFilled(daysAgo: number, clinicId = ctx.clinic.id) {
  const patient = createPatient(ctx.db, {
    clinicId,
    mrn: `M${mrn++}`,
    givenName: 'Pat',
    familyName: `Test${mrn}`,
  });
  const { pump } = createPump(ctx.db, {
    patientId: patient.id,
    model: ctx.catalog.models.get('8637-20')!,
    serial: `S${mrn}`,
    implantedOn: '2025-01-01',
    program: {
      drugId: ctx.catalog.drugs.get('Lioresal Intrathecal')!.id,
      concentrationMcgPerMl: 500,
      mode: 'simple',
      doseMcgPerDay: 250,
    },
    filledAt: NOW - daysAgo * DAY_MS,
    fillMl: 20,
  });
  refreshForecasts(ctx.db, { pumpIds: [pump.id] }, NOW);
  return { patient, pump };
}

const countAppointments = () => ctx.db.select({ id: s.appointments.id }).from(s.appointments).all().length;
const forecastOf = (pumpId: number) =>
  ctx.db.select().from(s.pumpForecasts).where(eq(s.pumpForecasts.pumpId, pumpId)).get();

async function book(body: Record<string, unknown>, token = ctx.tokens['front-desk']) {
  return call(POST, { method: 'POST', token, body });
}

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
  ctx = setupApiTest();
});
afterAll(() => {
  vi.useRealTimers();
});
beforeEach(() => {
  ctx.db
    .update(s.clinics)
    .set({ dailyCapacity: 12, holidays: [] })
    .where(eq(s.clinics.id, ctx.clinic.id))
    .run();
});

describe('POST /api/v1/appointments (book)', () => {
  it('lets the front desk book; stores the clinic-local time and refreshes the pump forecast', async () => {
    const { pump, patient } = pumpFilled(10);
    expect(forecastOf(pump.id)?.nextAppointmentId).toBeNull();
    const res = await book({ pumpId: pump.id, date: '2026-03-12', time: '09:30', type: 'refill' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      pumpId: pump.id,
      patientId: patient.id,
      mrn: patient.mrn,
      date: '2026-03-12',
      time: '09:30',
      endTime: '10:00',
      durationMinutes: 30, // the clinic's slot length by default
      status: 'booked',
      sequence: 0,
      version: 1,
      startsAtIso: '2026-03-12T09:30:00-05:00',
    });
    expect(res.body.startsAt).toBe(at('2026-03-12', '09:30'));
    expect(forecastOf(pump.id)?.nextAppointmentId).toBe(res.body.id);
    const auditRow = ctx.db
      .select()
      .from(s.auditLog)
      .where(eq(s.auditLog.entityId, String(res.body.id)))
      .all()
      .find((r) => r.entity === 'appointment');
    expect(auditRow?.action).toBe('create');
  });

  it('refuses invalid input with a message per field and writes nothing', async () => {
    const before = countAppointments();
    const res = await book({
      pumpId: 'seven',
      date: '2026-02-30',
      time: '25:00',
      type: 'checkup',
      durationMinutes: 2,
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.fields).sort()).toEqual([
      'date',
      'durationMinutes',
      'pumpId',
      'time',
      'type',
    ]);
    expect(res.body.fields.durationMinutes).toMatch(/between 5 and 480 minutes/);
    expect(countAppointments()).toBe(before);
  });

  it('refuses a weekend, a holiday, a past day and times outside opening hours, saying what is allowed', async () => {
    const { pump } = pumpFilled(5);
    const before = countAppointments();
    const weekend = await book({ pumpId: pump.id, date: '2026-03-14', time: '09:00' });
    expect(weekend.status).toBe(400);
    expect(weekend.body.fields.date).toMatch(
      /Mon, Tue, Wed, Thu, Fri only; Sat 14 Mar 2026 is not a clinic day/,
    );

    ctx.db
      .update(s.clinics)
      .set({ holidays: ['2026-03-13'] })
      .where(eq(s.clinics.id, ctx.clinic.id))
      .run();
    const holiday = await book({ pumpId: pump.id, date: '2026-03-13', time: '09:00' });
    expect(holiday.body.fields.date).toMatch(/Fri 13 Mar 2026 is a clinic holiday/);

    const past = await book({ pumpId: pump.id, date: '2026-03-09', time: '09:00' });
    expect(past.body.fields.date).toMatch(/in the past/);

    const early = await book({ pumpId: pump.id, date: '2026-03-12', time: '08:00' });
    expect(early.body.fields.time).toMatch(/start at 08:30 or later and end by 16:30/);
    const late = await book({ pumpId: pump.id, date: '2026-03-12', time: '16:15', durationMinutes: 30 });
    expect(late.body.fields.time).toMatch(/16:15–16:45 does not fit/);
    expect(countAppointments()).toBe(before);
  });

  it('refuses to book the same pump twice at overlapping times', async () => {
    const { pump } = pumpFilled(5);
    expect(
      (await book({ pumpId: pump.id, date: '2026-03-16', time: '10:00', durationMinutes: 60 })).status,
    ).toBe(201);
    const clash = await book({ pumpId: pump.id, date: '2026-03-16', time: '10:30' });
    expect(clash.status).toBe(400);
    expect(clash.body.fields.time).toMatch(
      /already has an appointment at Mon 16 Mar 2026 10:00 \(60 min\) that overlaps/,
    );
    // Another pump at the same time is fine (capacity is per day, not per chair).
    const other = pumpFilled(5);
    expect((await book({ pumpId: other.pump.id, date: '2026-03-16', time: '10:30' })).status).toBe(201);
    // Right after the first one ends is fine too.
    expect((await book({ pumpId: pump.id, date: '2026-03-16', time: '11:00' })).status).toBe(201);
  });

  it('refuses a booking beyond the daily capacity with a clear message', async () => {
    ctx.db.update(s.clinics).set({ dailyCapacity: 2 }).where(eq(s.clinics.id, ctx.clinic.id)).run();
    const pumps = [pumpFilled(3), pumpFilled(3), pumpFilled(3)];
    expect((await book({ pumpId: pumps[0]!.pump.id, date: '2026-03-17', time: '09:00' })).status).toBe(201);
    expect((await book({ pumpId: pumps[1]!.pump.id, date: '2026-03-17', time: '09:00' })).status).toBe(201);
    const before = countAppointments();
    const full = await book({ pumpId: pumps[2]!.pump.id, date: '2026-03-17', time: '11:00' });
    expect(full.status).toBe(400);
    expect(full.body.fields.date).toBe(
      'Tue 17 Mar 2026 is full: 2 of 2 places are taken (the clinic’s daily capacity). Choose another day, or give a reason to overbook an urgent patient.',
    );
    expect(full.body.fields.overbookReason).toMatch(/give the reason for overbooking/);
    expect(countAppointments()).toBe(before);
    // The next day still has room.
    expect((await book({ pumpId: pumps[2]!.pump.id, date: '2026-03-18', time: '11:00' })).status).toBe(201);
  });

  it('answers 404 for a pump of another clinic and 401/403 by role', async () => {
    const { pump } = pumpFilled(5);
    const foreign = await call(POST, {
      method: 'POST',
      token: ctx.tokens.otherClinicNurse,
      body: { pumpId: pump.id, date: '2026-03-12', time: '09:00' },
    });
    expect(foreign.status).toBe(404);
    const admin = await book({ pumpId: pump.id, date: '2026-03-12', time: '09:00' }, ctx.tokens.admin);
    expect(admin.status).toBe(403);
    const anonymous = await call(POST, {
      method: 'POST',
      body: { pumpId: pump.id, date: '2026-03-12', time: '09:00' },
    });
    expect(anonymous.status).toBe(401);
  });
});

describe('GET /api/v1/appointments (calendar range)', () => {
  it('lists the clinic’s appointments with each day’s places taken, and nothing of another clinic', async () => {
    ctx.db.update(s.clinics).set({ dailyCapacity: 5 }).where(eq(s.clinics.id, ctx.clinic.id)).run();
    const mine = pumpFilled(8);
    const done = createAppointment(ctx.db, {
      pumpId: mine.pump.id,
      startsAt: at('2026-03-23', '09:00'),
      status: 'done',
    });
    createAppointment(ctx.db, {
      pumpId: mine.pump.id,
      startsAt: at('2026-03-23', '10:00'),
      status: 'cancelled',
    });
    createAppointment(ctx.db, { pumpId: mine.pump.id, startsAt: at('2026-03-24', '10:00') });
    const theirs = pumpFilled(8, ctx.otherClinic.id);
    createAppointment(ctx.db, { pumpId: theirs.pump.id, startsAt: at('2026-03-23', '11:00') });

    const res = await call(GET, {
      token: ctx.tokens['front-desk'],
      url: '/api/v1/appointments?from=2026-03-23&to=2026-03-29',
    });
    expect(res.status).toBe(200);
    expect(res.body.appointments.map((a: { pumpId: number }) => a.pumpId)).toEqual([
      mine.pump.id,
      mine.pump.id,
      mine.pump.id,
    ]);
    expect(res.body.appointments[0]).toMatchObject({ id: done.id, time: '09:00', status: 'done' });
    expect(res.body.days).toHaveLength(7);
    expect(res.body.days[0]).toMatchObject({ date: '2026-03-23', open: true, taken: 1, capacity: 5 }); // cancelled frees its place
    expect(res.body.days[1]).toMatchObject({ date: '2026-03-24', taken: 1 });
    expect(res.body.days[5]).toMatchObject({ date: '2026-03-28', open: false });
  });

  it('keeps clinic-local times across the autumn daylight-saving change (Chicago, 1 Nov 2026)', async () => {
    const { pump } = pumpFilled(2);
    // Months after the due date: booked with the confirmations a late booking needs.
    const late = { lateReason: 'DST check', confirmAfterAlarm: true };
    const before = (await book({ pumpId: pump.id, date: '2026-10-30', time: '09:00', ...late })).body; // CDT, UTC-5
    const after = (await book({ pumpId: pump.id, date: '2026-11-02', time: '09:00', ...late })).body; // CST, UTC-6
    expect(before.startsAtIso).toBe('2026-10-30T09:00:00-05:00');
    expect(after.startsAtIso).toBe('2026-11-02T09:00:00-06:00');
    expect(after.startsAt - before.startsAt).toBe((3 * 24 + 1) * 3_600_000); // the repeated hour
    const week = await call(GET, {
      token: ctx.tokens.nurse,
      url: `/api/v1/appointments?from=2026-10-26&to=2026-11-01&pumpId=${pump.id}`,
    });
    expect(week.body.appointments.map((a: { id: number }) => a.id)).toEqual([before.id]);
    const next = await call(GET, {
      token: ctx.tokens.nurse,
      url: `/api/v1/appointments?from=2026-11-02&to=2026-11-08&pumpId=${pump.id}`,
    });
    expect(next.body.appointments.map((a: { time: string }) => a.time)).toEqual(['09:00']);
  });

  it('refuses a malformed or too long range', async () => {
    const bad = await call(GET, {
      token: ctx.tokens.nurse,
      url: '/api/v1/appointments?from=2026-03-01&to=2026-06-30',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.fields.to).toMatch(/at most 62 days/);
    const missing = await call(GET, { token: ctx.tokens.nurse, url: '/api/v1/appointments?from=yesterday' });
    expect(Object.keys(missing.body.fields).sort()).toEqual(['from', 'to']);
  });
});

describe('PATCH /api/v1/appointments/{id}', () => {
  it('moves an appointment: new start, sequence + 1, version + 1, audited', async () => {
    const { pump } = pumpFilled(6);
    const booked = (await book({ pumpId: pump.id, date: '2026-03-19', time: '09:00' })).body;
    const res = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens['front-desk'],
      params: { id: String(booked.id) },
      body: {
        action: 'move',
        version: booked.version,
        date: '2026-03-20',
        time: '13:30',
        durationMinutes: 45,
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      date: '2026-03-20',
      time: '13:30',
      endTime: '14:15',
      durationMinutes: 45,
      sequence: 1,
      version: 2,
      status: 'booked',
    });
    expect(forecastOf(pump.id)?.nextAppointmentAt).toBe(at('2026-03-20', '13:30'));
    const rows = ctx.db
      .select()
      .from(s.auditLog)
      .where(eq(s.auditLog.entityId, String(booked.id)))
      .all()
      .filter((r) => r.entity === 'appointment');
    expect(rows.map((r) => r.action)).toEqual(['create', 'update']);
    expect(rows[1]!.before).toMatchObject({ startsAt: '2026-03-19T09:00:00-05:00', sequence: 0 });
    expect(rows[1]!.after).toMatchObject({
      startsAt: '2026-03-20T13:30:00-05:00',
      sequence: 1,
      action: 'move',
    });
  });

  it('answers 409 with a clear message when someone else changed it, and writes nothing', async () => {
    const { pump } = pumpFilled(6);
    const booked = (await book({ pumpId: pump.id, date: '2026-03-19', time: '11:00' })).body;
    const first = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens.nurse,
      params: { id: String(booked.id) },
      body: { action: 'move', version: 1, date: '2026-03-19', time: '12:00' },
    });
    expect(first.status).toBe(200);
    const stale = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens['front-desk'],
      params: { id: String(booked.id) },
      body: { action: 'cancel', version: 1 },
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatch(/changed by someone else/);
    const row = ctx.db.select().from(s.appointments).where(eq(s.appointments.id, booked.id)).get();
    expect(row).toMatchObject({ status: 'booked', version: 2, sequence: 1 });
  });

  it('cancels (sequence + 1) and refuses to change it again', async () => {
    const { pump } = pumpFilled(6);
    const booked = (await book({ pumpId: pump.id, date: '2026-03-19', time: '14:00' })).body;
    const res = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens.physician,
      params: { id: String(booked.id) },
      body: { action: 'cancel', version: 1, reason: 'Patient in hospital' },
    });
    expect(res.body).toMatchObject({
      status: 'cancelled',
      sequence: 1,
      version: 2,
      notes: 'Cancelled: Patient in hospital',
    });
    expect(forecastOf(pump.id)?.nextAppointmentId).toBeNull();
    const again = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens.physician,
      params: { id: String(booked.id) },
      body: { action: 'move', version: 2, date: '2026-03-20', time: '09:00' },
    });
    expect(again.status).toBe(400);
    expect(again.body.fields.action).toMatch(/is cancelled; only a booked appointment can be moved/);
  });

  it('refuses a no-show before the appointment time and "done" before its day', async () => {
    const { pump } = pumpFilled(6);
    const booked = (await book({ pumpId: pump.id, date: '2026-03-19', time: '15:00' })).body;
    const noShow = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens.nurse,
      params: { id: String(booked.id) },
      body: { action: 'no-show', version: 1 },
    });
    expect(noShow.status).toBe(400);
    expect(noShow.body.fields.action).toMatch(/once that time has passed/);
    const done = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens.nurse,
      params: { id: String(booked.id) },
      body: { action: 'done', version: 1 },
    });
    expect(done.status).toBe(400);
  });

  it('answers 404 to a nurse of another clinic and for a malformed id', async () => {
    const { pump } = pumpFilled(6);
    const booked = (await book({ pumpId: pump.id, date: '2026-03-19', time: '16:00' })).body;
    const foreign = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens.otherClinicNurse,
      params: { id: String(booked.id) },
      body: { action: 'cancel', version: 1 },
    });
    expect(foreign.status).toBe(404);
    const malformed = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens.nurse,
      params: { id: '1 or 1=1' },
      body: { action: 'cancel', version: 1 },
    });
    expect(malformed.status).toBe(404);
    expect(ctx.db.select().from(s.appointments).where(eq(s.appointments.id, booked.id)).get()?.status).toBe(
      'booked',
    );
  });

  it('a no-show leaves the pump without an appointment and puts it in the first row of the worklist', async () => {
    // A fresh clinic view: only these three pumps are overdue or due soon.
    const missed = pumpFilled(33); // due 4 days ago, alarm in 3 days: overdue
    const unbooked = pumpFilled(30); // due 1 day ago: overdue, no appointment
    pumpFilled(24); // due soon, no appointment
    const startsAt = at('2026-03-10', '08:30'); // this morning, before "now" (10:00)
    const appointment = createAppointment(ctx.db, { pumpId: missed.pump.id, startsAt });
    refreshForecasts(ctx.db, { pumpIds: [missed.pump.id] }, NOW);
    const pumpsBefore = listWorklist(ctx.db, ctx.clinic.id, {}, NOW).rows.map((r) => r.pumpId);
    expect(pumpsBefore.indexOf(missed.pump.id)).toBeGreaterThan(pumpsBefore.indexOf(unbooked.pump.id)); // booked ranks after unbooked

    const res = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens['front-desk'],
      params: { id: String(appointment.id) },
      body: { action: 'no-show', version: 1 },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'no-show', sequence: 1, version: 2 });
    expect(forecastOf(missed.pump.id)).toMatchObject({ nextAppointmentId: null, nextAppointmentAt: null });
    // First of the overdue rows (pumps of earlier tests with a CRITICAL alert, e.g. booked after empty, rank above).
    const worklist = listWorklist(ctx.db, ctx.clinic.id, { status: 'overdue' }, NOW);
    expect(worklist.rows[0]).toMatchObject({
      pumpId: missed.pump.id,
      status: 'overdue',
      nextAppointmentAt: null,
    });
  });
});

describe('a start already past, and undoing a no-show (issue 18)', () => {
  it('refuses booking a time that has passed today, naming the time field, and books a later one', async () => {
    const { pump } = pumpFilled(10);
    const before = countAppointments();
    const past = await book({ pumpId: pump.id, date: '2026-03-10', time: '09:30' }); // now is 10:00 in Chicago
    expect(past.status).toBe(400);
    expect(past.body.fields.time).toBe(
      '09:30 today has already passed (it is 10:00 now). Choose a later time or another day.',
    );
    expect(countAppointments()).toBe(before);
    const later = await book({ pumpId: pump.id, date: '2026-03-10', time: '10:30' });
    expect(later.status).toBe(201);
  });

  it('refuses moving an appointment to a time that has passed today', async () => {
    const { pump } = pumpFilled(10);
    const booked = createAppointment(ctx.db, { pumpId: pump.id, startsAt: at('2026-03-11', '09:00') });
    const res = await call(PATCH, {
      method: 'PATCH',
      token: ctx.tokens['front-desk'],
      params: { id: String(booked.id) },
      body: { action: 'move', version: 1, date: '2026-03-10', time: '09:00' },
    });
    expect(res.status).toBe(400);
    expect(res.body.fields.time).toMatch(/^09:00 today has already passed/);
  });

  it('takes a no-show back within a minute (booked again, audited), and not after', async () => {
    const { pump } = pumpFilled(20);
    const patch = (id: number, body: Record<string, unknown>) =>
      call(PATCH, { method: 'PATCH', token: ctx.tokens['front-desk'], params: { id: String(id) }, body });
    const first = createAppointment(ctx.db, { pumpId: pump.id, startsAt: at('2026-03-10', '08:30') });
    expect((await patch(first.id, { action: 'no-show', version: 1 })).status).toBe(200);
    vi.setSystemTime(NOW + 59_000);
    try {
      const undone = await patch(first.id, { action: 'undo-no-show', version: 2 });
      expect(undone.status).toBe(200);
      expect(undone.body).toMatchObject({ status: 'booked', version: 3 });
      expect(forecastOf(pump.id)?.nextAppointmentId).toBe(first.id);
      const actions = ctx.db
        .select()
        .from(s.auditLog)
        .where(eq(s.auditLog.entityId, String(first.id)))
        .all()
        .filter((r) => r.entity === 'appointment')
        .map((r) => (r.after as { action?: string } | null)?.action);
      expect(actions).toEqual(expect.arrayContaining(['no-show', 'undo-no-show']));

      // Marked again, then a minute and a second later: the no-show is the record.
      expect((await patch(first.id, { action: 'no-show', version: 3 })).status).toBe(200);
      vi.setSystemTime(NOW + 59_000 + 61_000);
      const late = await patch(first.id, { action: 'undo-no-show', version: 4 });
      expect(late.status).toBe(400);
      expect(late.body.error).toMatch(/can no longer be undone/);
      // Only a no-show can be undone.
      const booked = createAppointment(ctx.db, { pumpId: pump.id, startsAt: at('2026-03-12', '09:00') });
      const nothing = await patch(booked.id, { action: 'undo-no-show', version: 1 });
      expect(nothing.status).toBe(400);
      expect(nothing.body.error).toMatch(/not a no-show/);
    } finally {
      vi.setSystemTime(NOW);
    }
  });
});

describe('GET /api/v1/slots', () => {
  it('offers open slots on or before the pump’s due date, skipping taken times', async () => {
    const { pump } = pumpFilled(25); // due in 4 days: Sat 14 Mar moves back to Fri 13 Mar
    const due = forecastOf(pump.id)!.refillDueOn;
    const res = await call(SLOTS, {
      token: ctx.tokens['front-desk'],
      url: `/api/v1/slots?pumpId=${pump.id}&count=30`,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      pumpId: pump.id,
      refillDueOn: due,
      beforeDueDate: true,
      durationMinutes: 30,
    });
    expect(res.body.slots.length).toBeGreaterThan(0);
    for (const slot of res.body.slots) {
      expect(slot.date <= due).toBe(true);
      expect(slot.startsAt).toBeGreaterThan(NOW);
      expect(slot.time >= '08:30' && slot.time <= '16:00').toBe(true);
    }
    // The first one offered can be booked as is.
    const first = res.body.slots[0];
    expect((await book({ pumpId: pump.id, date: first.date, time: first.time })).status).toBe(201);
    // …and is not offered again.
    const again = await call(SLOTS, {
      token: ctx.tokens['front-desk'],
      url: `/api/v1/slots?pumpId=${pump.id}&count=30`,
    });
    expect(again.body.slots.some((sl: { startsAt: number }) => sl.startsAt === first.startsAt)).toBe(false);
  });

  it('offers the earliest slots when none is left before the due date (an overdue pump)', async () => {
    const { pump } = pumpFilled(32);
    const res = await call(SLOTS, {
      token: ctx.tokens.nurse,
      url: `/api/v1/slots?pumpId=${pump.id}&count=3`,
    });
    expect(res.body.beforeDueDate).toBe(false);
    expect(res.body.slots).toHaveLength(3);
    expect(res.body.slots[0].date).toBe('2026-03-10');
  });

  it('answers 404 for another clinic’s pump', async () => {
    const { pump } = pumpFilled(10);
    const res = await call(SLOTS, {
      token: ctx.tokens.otherClinicNurse,
      url: `/api/v1/slots?pumpId=${pump.id}`,
    });
    expect(res.status).toBe(404);
  });
});

/**
 * Item 7 of "The record always matches the pump": booking or moving past the due date or the alarm needs an explicit
 * confirmation with a reason, stored with the appointment and in the audit row; a full day can be overbooked with a
 * reason. A pump filled 20 days ago (0.5 mL/day, 20 mL, alarm at 2 mL): due Thu 19 Mar, low-reservoir alarm Thu 26
 * Mar 10:00, empty Mon 30 Mar 10:00 (Chicago).
 */
describe('late and overbooked appointments need a confirmation with a reason', () => {
  const lateOne = () => {
    const { pump } = pumpFilled(20);
    expect(forecastOf(pump.id)).toMatchObject({
      refillDueOn: '2026-03-19',
      lowReservoirAlarmAt: at('2026-03-26', '10:00'),
      emptyAt: at('2026-03-30', '10:00'),
    });
    return pump;
  };
  const rowOf = (id: number) => ctx.db.select().from(s.appointments).where(eq(s.appointments.id, id)).get();
  const auditOf = (id: number) =>
    ctx.db
      .select()
      .from(s.auditLog)
      .where(eq(s.auditLog.entityId, String(id)))
      .all()
      .filter((r) => r.entity === 'appointment');

  it('books the last hour of the due date without a reason: the clinic-local date decides, not the time', async () => {
    const pump = lateOne();
    const res = await book({ pumpId: pump.id, date: '2026-03-19', time: '16:00' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ lateness: 'on-time', late: false, lateWarning: null, lateReason: null });
  });

  it('refuses a date after the due date without a reason (400 on lateReason, nothing written), then books it with one', async () => {
    const pump = lateOne();
    const before = countAppointments();
    const refused = await book({ pumpId: pump.id, date: '2026-03-20', time: '08:30' });
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.body.fields)).toEqual(['lateReason']);
    expect(refused.body.fields.lateReason).toMatch(
      /^Fri 20 Mar 2026 08:30 is after the refill due date 2026-03-19 \(Thu 19 Mar 2026\)\. To book it anyway, give the reason/,
    );
    const tooShort = await book({ pumpId: pump.id, date: '2026-03-20', time: '08:30', lateReason: ' ok ' });
    expect(tooShort.status).toBe(400);
    expect(tooShort.body.fields.lateReason).toMatch(/at least 3 characters/);
    expect(countAppointments()).toBe(before);
    expect(forecastOf(pump.id)?.nextAppointmentId).toBeNull();

    const res = await book({
      pumpId: pump.id,
      date: '2026-03-20',
      time: '08:30',
      lateReason: '  Patient in hospital until Thursday  ',
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      lateness: 'after-due',
      late: true,
      lateReason: 'Patient in hospital until Thursday',
    });
    expect(res.body.lateWarning).toMatch(/after the refill due date 2026-03-19/);
    expect(rowOf(res.body.id)?.lateReason).toBe('Patient in hospital until Thursday');
    expect(auditOf(res.body.id)[0]!.after).toMatchObject({
      lateness: 'after-due',
      lateReason: 'Patient in hospital until Thursday',
    });
    expect(forecastOf(pump.id)).toMatchObject({ nextAppointmentId: res.body.id, appointmentLate: true });
  });

  it('after the low-reservoir alarm needs the reason AND confirmAfterAlarm: true, naming the alarm and empty dates', async () => {
    const pump = lateOne();
    const before = countAppointments();
    // 11:00 on the alarm day: the pump alarms at 10:00, so this visit is after the alarm.
    const onlyReason = await book({
      pumpId: pump.id,
      date: '2026-03-26',
      time: '11:00',
      lateReason: 'Only day transport is available',
    });
    expect(onlyReason.status).toBe(400);
    expect(Object.keys(onlyReason.body.fields)).toEqual(['confirmAfterAlarm']);
    expect(onlyReason.body.fields.confirmAfterAlarm).toMatch(/after the low-reservoir alarm/);
    const nothing = await book({ pumpId: pump.id, date: '2026-03-26', time: '11:00' });
    expect(Object.keys(nothing.body.fields).sort()).toEqual(['confirmAfterAlarm', 'lateReason']);
    expect(nothing.body.fields.lateReason).toMatch(
      /after the low-reservoir alarm: the pump alarms on 2026-03-26 \(Thu 26 Mar 2026 10:00\) and the reservoir is empty on 2026-03-30 \(Mon 30 Mar 2026 10:00\)/,
    );
    const notTrue = await book({
      pumpId: pump.id,
      date: '2026-03-26',
      time: '11:00',
      lateReason: 'Only day transport is available',
      confirmAfterAlarm: false,
    });
    expect(Object.keys(notTrue.body.fields)).toEqual(['confirmAfterAlarm']);
    expect(countAppointments()).toBe(before);

    const res = await book({
      pumpId: pump.id,
      date: '2026-03-26',
      time: '11:00',
      lateReason: 'Only day transport is available',
      confirmAfterAlarm: true,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      lateness: 'after-alarm',
      lateReason: 'Only day transport is available',
    });
    expect(res.body.lateWarning).toMatch(/the pump alarms on 2026-03-26/);
  });

  it('after the reservoir is empty the wording is stronger', async () => {
    const pump = lateOne();
    const res = await book({ pumpId: pump.id, date: '2026-03-31', time: '09:00' });
    expect(res.status).toBe(400);
    expect(res.body.fields.lateReason).toMatch(/after the reservoir is calculated to be EMPTY/);
    expect(res.body.fields.lateReason).toMatch(/will be without the drug before this visit/);
    expect(res.body.fields.confirmAfterAlarm).toMatch(/after the reservoir is calculated to be empty/);
    const ok = await book({
      pumpId: pump.id,
      date: '2026-03-31',
      time: '09:00',
      lateReason: 'Surgeon only available then; bridging plan agreed',
      confirmAfterAlarm: true,
    });
    expect(ok.status).toBe(201);
    expect(ok.body.lateness).toBe('after-empty');
  });

  it('moving past the due date needs the same confirmation; the reason goes to the row and the audit, and a move back clears it', async () => {
    const pump = lateOne();
    const booked = (await book({ pumpId: pump.id, date: '2026-03-18', time: '09:00' })).body;
    const move = (body: Record<string, unknown>) =>
      call(PATCH, {
        method: 'PATCH',
        token: ctx.tokens['front-desk'],
        params: { id: String(booked.id) },
        body: { action: 'move', ...body },
      });
    // The front desk moves the patient to two days after the alarm (the case).
    const refused = await move({ version: 1, date: '2026-03-28', time: '09:00' });
    expect(refused.body.fields.date).toMatch(/not a clinic day/);
    // Sat 28 Mar is not a clinic day; Mon 30 Mar 09:00 is two working days after the alarm.
    const refusedMon = await move({ version: 1, date: '2026-03-30', time: '09:00' });
    expect(Object.keys(refusedMon.body.fields).sort()).toEqual(['confirmAfterAlarm', 'lateReason']);
    expect(rowOf(booked.id)).toMatchObject({
      startsAt: at('2026-03-18', '09:00'),
      version: 1,
      lateReason: null,
    });

    const moved = await move({
      version: 1,
      date: '2026-03-30',
      time: '09:00',
      lateReason: 'Family request, physician informed',
      confirmAfterAlarm: true,
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      date: '2026-03-30',
      lateness: 'after-alarm',
      lateReason: 'Family request, physician informed',
      version: 2,
    });
    const audits = auditOf(booked.id);
    expect(audits.at(-1)!.after).toMatchObject({
      action: 'move',
      lateness: 'after-alarm',
      lateReason: 'Family request, physician informed',
    });
    expect(forecastOf(pump.id)?.appointmentLate).toBe(true);

    const back = await move({ version: 2, date: '2026-03-19', time: '09:00' });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ lateness: 'on-time', lateReason: null });
    expect(forecastOf(pump.id)?.appointmentLate).toBe(false);
  });

  it('overbooks a full day only with an overbookReason, and stores it', async () => {
    ctx.db.update(s.clinics).set({ dailyCapacity: 1 }).where(eq(s.clinics.id, ctx.clinic.id)).run();
    const first = pumpFilled(5);
    const urgent = pumpFilled(5);
    expect((await book({ pumpId: first.pump.id, date: '2026-04-01', time: '09:00' })).status).toBe(201);
    const before = countAppointments();
    const refused = await book({ pumpId: urgent.pump.id, date: '2026-04-01', time: '10:00' });
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.body.fields).sort()).toEqual(['date', 'overbookReason']);
    const short = await book({
      pumpId: urgent.pump.id,
      date: '2026-04-01',
      time: '10:00',
      overbookReason: 'x',
    });
    expect(short.body.fields.overbookReason).toMatch(/at least 3 characters/);
    expect(countAppointments()).toBe(before);

    const res = await book({
      pumpId: urgent.pump.id,
      date: '2026-04-01',
      time: '10:00',
      overbookReason: 'Pump alarm reported by the patient',
    });
    expect(res.status).toBe(201);
    expect(res.body.overbookReason).toBe('Pump alarm reported by the patient');
    expect(rowOf(res.body.id)?.overbookReason).toBe('Pump alarm reported by the patient');
    const day = await call(GET, {
      token: ctx.tokens.nurse,
      url: '/api/v1/appointments?from=2026-04-01&to=2026-04-01',
    });
    expect(day.body.days[0]).toMatchObject({ taken: 2, capacity: 1 });
  });
});

describe('the daily capacity is one count for the slot search and booking', () => {
  it('does not offer today’s slots when a visit done today filled the day (regression: the refill form offered them, booking refused)', async () => {
    ctx.db.update(s.clinics).set({ dailyCapacity: 2 }).where(eq(s.clinics.id, ctx.clinic.id)).run();
    // A day of its own: move "today" to a Wednesday with no other appointment in this file.
    const today = Date.parse('2026-04-08T14:00:00Z'); // Wed 8 Apr, 09:00 CDT
    vi.setSystemTime(today);
    try {
      const refilled = pumpFilled(0);
      const other = pumpFilled(3);
      createAppointment(ctx.db, {
        pumpId: refilled.pump.id,
        startsAt: at('2026-04-08', '08:30'),
        status: 'done',
      });
      createAppointment(ctx.db, { pumpId: other.pump.id, startsAt: at('2026-04-08', '15:00') });
      const slots = findOpenSlots(ctx.db, ctx.clinic.id, {
        after: today,
        onOrBefore: '2026-04-09',
        count: 5,
      });
      expect(slots.length).toBeGreaterThan(0);
      expect(slots.every((sl) => sl.date === '2026-04-09')).toBe(true);
      const refused = await book({ pumpId: refilled.pump.id, date: '2026-04-08', time: '11:00' });
      expect(refused.body.fields.date).toMatch(/is full: 2 of 2 places/);
    } finally {
      vi.setSystemTime(NOW);
    }
  });
});

describe('PATCH /api/v1/appointments/{id}: what each action may change and what it records', () => {
  const patch = (id: number, body: Record<string, unknown>) =>
    call(PATCH, { method: 'PATCH', token: ctx.tokens.nurse, params: { id: String(id) }, body });
  const updates = (id: number) =>
    ctx.db
      .select()
      .from(s.auditLog)
      .where(eq(s.auditLog.entityId, String(id)))
      .all()
      .filter((r) => r.entity === 'appointment' && r.action === 'update');

  it('marks a visit done on its own day, even before its time, and not on an earlier day', async () => {
    const { pump } = pumpFilled(6);
    const today = createAppointment(ctx.db, { pumpId: pump.id, startsAt: at('2026-03-10', '15:00') });
    const done = await patch(today.id, { action: 'done', version: 1 });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', sequence: 1, version: 2 });
    const later = createAppointment(ctx.db, { pumpId: pump.id, startsAt: at('2026-03-19', '09:00') });
    const early = await patch(later.id, { action: 'done', version: 1 });
    expect(early.status).toBe(400);
    expect(early.body.fields.action).toMatch(/is on .*19.*; it can be marked done on that day or later/);
  });

  it('records a no-show from the appointment’s start time', async () => {
    const { pump } = pumpFilled(6);
    const now = createAppointment(ctx.db, { pumpId: pump.id, startsAt: NOW });
    const r = await patch(now.id, { action: 'no-show', version: 1 });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('no-show');
  });

  it('refuses to change an appointment that is no longer booked, saying what it is and what was asked', async () => {
    const { pump } = pumpFilled(6);
    const noShow = createAppointment(ctx.db, { pumpId: pump.id, startsAt: at('2026-03-09', '09:00'), status: 'no-show' });
    const move = await patch(noShow.id, { action: 'move', version: 1, date: '2026-03-12', time: '09:00' });
    expect(move.body.fields.action).toBe(
      'This appointment is a no-show; only a booked appointment can be moved.',
    );
    const done = createAppointment(ctx.db, { pumpId: pump.id, startsAt: at('2026-03-09', '10:00'), status: 'done' });
    expect((await patch(done.id, { action: 'cancel', version: 1 })).body.fields.action).toBe(
      'This appointment is done; only a booked appointment can be cancelled.',
    );
    const cancelled = createAppointment(ctx.db, {
      pumpId: pump.id,
      startsAt: at('2026-03-09', '11:00'),
      status: 'cancelled',
    });
    expect((await patch(cancelled.id, { action: 'no-show', version: 1 })).body.fields.action).toBe(
      'This appointment is cancelled; only a booked appointment can be marked no-show.',
    );
    expect(updates(noShow.id)).toHaveLength(0);
  });

  it('leaves an appointment "moved" to its own time and length untouched, so calendars are not disturbed', async () => {
    const { pump } = pumpFilled(6);
    const booked = (await book({ pumpId: pump.id, date: '2026-03-19', time: '10:00' })).body;
    const same = await patch(booked.id, { action: 'move', version: 1, date: '2026-03-19', time: '10:00' });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ sequence: 0, version: 1 });
    expect(updates(booked.id)).toHaveLength(0);
    // The same start with another length is a change: calendars must show the new end.
    const longer = await patch(booked.id, {
      action: 'move',
      version: 1,
      date: '2026-03-19',
      time: '10:00',
      durationMinutes: 60,
    });
    expect(longer.body).toMatchObject({ durationMinutes: 60, endTime: '11:00', sequence: 1, version: 2 });
  });

  it('adds the reason for a cancellation below the booking’s notes, and keeps the notes when none is given', async () => {
    const { pump } = pumpFilled(6);
    const first = (await book({ pumpId: pump.id, date: '2026-03-19', time: '11:00', notes: 'Bring the pump diary' }))
      .body;
    const withReason = await patch(first.id, { action: 'cancel', version: 1, reason: 'Patient in hospital' });
    expect(withReason.body.notes).toBe('Bring the pump diary\nCancelled: Patient in hospital');
    const second = (await book({ pumpId: pump.id, date: '2026-03-20', time: '11:00', notes: 'Wheelchair' })).body;
    const without = await patch(second.id, { action: 'cancel', version: 1 });
    expect(without.status).toBe(200);
    expect(without.body).toMatchObject({ status: 'cancelled', notes: 'Wheelchair' });
  });

  it('says that it is the appointment that someone else changed (409)', async () => {
    const { pump } = pumpFilled(6);
    const booked = (await book({ pumpId: pump.id, date: '2026-03-19', time: '13:00' })).body;
    expect((await patch(booked.id, { action: 'cancel', version: 1 })).status).toBe(200);
    const stale = await patch(booked.id, { action: 'cancel', version: 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatch(/^This appointment was changed by someone else/);
  });

  it('says how long a no-show can be taken back once that minute has passed', async () => {
    const { pump } = pumpFilled(6);
    const a = createAppointment(ctx.db, { pumpId: pump.id, startsAt: at('2026-03-10', '08:00') });
    expect((await patch(a.id, { action: 'no-show', version: 1 })).status).toBe(200);
    vi.setSystemTime(NOW + 61_000);
    try {
      const late = await patch(a.id, { action: 'undo-no-show', version: 2 });
      expect(late.body.error).toMatch(/recorded more than 1 minute ago/);
    } finally {
      vi.setSystemTime(NOW);
    }
  });
});
