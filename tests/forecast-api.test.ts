/**
 * POST /api/v1/forecast answers the reference's worked examples (reference.md B7) exactly, names every bad
 * field, and never fails with a 5xx on any JSON.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, setupApiTest, type ApiTestContext } from './api';

const { POST } = await import('@/app/api/v1/forecast/route');
let ctx: ApiTestContext;
beforeAll(() => {
  ctx = setupApiTest();
});

const base = {
  now: '2026-03-10T09:00:00-06:00',
  clinic: { timeZone: 'America/Chicago', bufferDays: 7, dueSoonDays: 14, clinicWeekdays: [1, 2, 3, 4, 5], holidays: ['2026-12-25'] },
  pump: { kind: 'programmable', reservoirMl: 20, alarmMl: 2 },
  lastRefill: { at: '2026-03-02T10:00:00-06:00', volumeMl: 20 },
  drug: { name: 'baclofen', stabilityDays: 180 },
  programs: [{ from: '2026-03-02T10:00:00-06:00', concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250 }],
  nextAppointmentAt: null,
};

const post = (body: unknown) => call(POST, { method: 'POST', token: ctx.tokens.nurse, body });

describe('worked examples (reference.md B7)', () => {
  it('B7-1: 250 mcg/day at 500 mcg/mL from a 20 mL fill: alarm at day 36, empty at day 40, due 7 days before the alarm', async () => {
    const r = await post(base);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      dailyVolumeMl: 0.5,
      worstCaseDailyVolumeMl: 0.5,
      // 36 days of elapsed time after 2 Mar 10:00 CST cross the spring-forward weekend: 7 Apr 11:00 CDT.
      lowReservoirAlarmAt: '2026-04-07T11:00:00-05:00',
      emptyAt: '2026-04-11T11:00:00-05:00',
      refillDueOn: '2026-03-31',
      stabilityExpiresOn: '2026-08-29',
      stabilityBinding: false,
      status: 'ok',
    });
    // 8 days in at 0.5 mL/day, less the hour lost to the clock change: 20 − 0.5 × (8 − 1/24).
    expect(r.body.volumeNowMl).toBeCloseTo(20 - 0.5 * (8 - 1 / 24), 6);
    expect(r.body.alerts.map((a: { code: string }) => a.code)).toContain('E3');
  });

  it('B7-2: 400 mcg/day at 2000 mcg/mL in a 40 mL pump: the 180-day stability limit binds', async () => {
    const r = await post({ ...base, pump: { kind: 'programmable', reservoirMl: 40, alarmMl: 2 }, lastRefill: { ...base.lastRefill, volumeMl: 40 }, programs: [{ ...base.programs[0], concentrationMcgPerMl: 2000, doseMcgPerDay: 400 }] });
    expect(r.status).toBe(200);
    expect(r.body.dailyVolumeMl).toBe(0.2);
    expect(r.body.lowReservoirAlarmAt).toBe('2026-09-08T11:00:00-05:00'); // day 190
    expect(r.body.stabilityExpiresOn).toBe('2026-08-29'); // day 180, a Saturday
    expect(r.body.refillDueOn).toBe('2026-08-28'); // the Friday before
    expect(r.body.stabilityBinding).toBe(true);
    expect(r.body.alerts.map((a: { code: string }) => a.code)).toContain('E4');
  });

  it('B7-7: a constant-flow pump at 1.0 mL/day, 30 mL reservoir, 3 mL reserve: refill point at day 27', async () => {
    const r = await post({
      ...base,
      pump: { kind: 'constant-flow', reservoirMl: 30, alarmMl: 3, flowMlPerDay: 1 },
      lastRefill: { ...base.lastRefill, volumeMl: 30 },
      programs: [{ from: base.programs[0]!.from, concentrationMcgPerMl: 500, mode: 'constant-flow' }],
    });
    expect(r.status).toBe(200);
    expect(r.body.dailyDoseMcg).toBe(500);
    expect(r.body.lowReservoirAlarmAt).toBe('2026-03-29T11:00:00-05:00');
    expect(r.body.refillDueOn).toBe('2026-03-20'); // 22 Mar is a Sunday: moved earlier to Friday
  });

  it('patient boluses count at their daily maximum (worst case, as the Prometra PTC assumes)', async () => {
    const r = await post({ ...base, programs: [{ ...base.programs[0], patientBolus: { doseMcg: 25, maxPerDay: 4 } }] });
    expect(r.body.worstCaseDailyVolumeMl).toBe(0.7);
    // (20 − 2) / 0.7 days after the refill, in elapsed time.
    const alarm = Date.parse('2026-03-02T10:00:00-06:00') + (18 / 0.7) * 86_400_000;
    expect(Date.parse(r.body.lowReservoirAlarmAt)).toBeCloseTo(alarm, -4);
  });
});

describe('invalid input', () => {
  it('names each bad field and what is allowed', async () => {
    const r = await post({ ...base, pump: { kind: 'pneumatic', reservoirMl: -1, alarmMl: 2 }, clinic: { ...base.clinic, timeZone: 'Mars/Base' } });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.fields)).toEqual(expect.arrayContaining(['pump.kind', 'pump.reservoirMl', 'clinic.timeZone']));
    expect(r.body.fields['clinic.timeZone']).toMatch(/IANA time zone/);
  });

  it('checks the labeled drug list (E12): a list of names or null, and warns for a drug not on it', async () => {
    for (const labeledDrugs of ['baclofen', [''], [42], Array.from({ length: 21 }, () => 'x')]) {
      const r = await post({ ...base, pump: { ...base.pump, labeledDrugs } });
      expect(r.status).toBe(400);
      expect(Object.keys(r.body.fields).some((k) => k.startsWith('pump.labeledDrugs'))).toBe(true);
    }
    const offLabel = await post({ ...base, pump: { ...base.pump, labeledDrugs: ['morphine'] } });
    expect(offLabel.status).toBe(200);
    expect(offLabel.body.alerts.map((a: { code: string }) => a.code)).toContain('E12');
    const unknown = await post({ ...base, pump: { ...base.pump, labeledDrugs: null } });
    expect(unknown.body.alerts.map((a: { code: string }) => a.code)).not.toContain('E12');
  });

  it('refuses a fill above the reservoir and a refill in the future', async () => {
    const r = await post({ ...base, lastRefill: { at: '2026-03-11T10:00:00-06:00', volumeMl: 25 } });
    expect(r.status).toBe(400);
    expect(r.body.fields).toHaveProperty(['lastRefill.volumeMl']);
    expect(r.body.fields).toHaveProperty(['lastRefill.at']);
  });

  it('answers not-JSON, empty and oversized bodies with 400, never a 5xx', async () => {
    expect((await call(POST, { method: 'POST', token: ctx.tokens.nurse, rawBody: '{"now":' })).status).toBe(400);
    expect((await call(POST, { method: 'POST', token: ctx.tokens.nurse, rawBody: '' })).status).toBe(400);
    expect((await call(POST, { method: 'POST', token: ctx.tokens.nurse, rawBody: JSON.stringify({ pad: 'x'.repeat(200_000) }) })).status).toBe(400);
  });

  it('never answers a 5xx for arbitrary JSON (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const r = await post(value);
        return r.status === 400;
      }),
      { numRuns: 150 },
    );
  });

  it('never answers a 5xx for mutations of a valid request (property)', async () => {
    const leaf = fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.boolean(), fc.constant(1e308), fc.constant(-0));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('now', 'clinic', 'pump', 'lastRefill', 'drug', 'programs', 'nextAppointmentAt'), leaf, async (key, value) => {
        const r = await post({ ...base, [key]: value });
        return r.status === 400 || r.status === 200;
      }),
      { numRuns: 100 },
    );
  });
});

describe('authorization', () => {
  it('item 10: E9 uses the catalogue limit by drug name when the caller gives none (2500 mcg/day baclofen)', async () => {
    const r = await post({ ...base, programs: [{ ...base.programs[0], doseMcgPerDay: 2500, concentrationMcgPerMl: 2000 }] });
    expect(r.status).toBe(200);
    const e9 = r.body.alerts.find((a: { code: string }) => a.code === 'E9');
    expect(e9).toMatchObject({ severity: 'warn' });
    expect(e9.message).toMatch(/usual maximum of 1000 mcg\/day.*highest dose reported \(2003/);
    // A caller's own limit still wins.
    const own = await post({ ...base, drug: { ...base.drug, usualMaxDoseMcgPerDay: 3000 }, programs: [{ ...base.programs[0], doseMcgPerDay: 2500, concentrationMcgPerMl: 2000 }] });
    expect(own.body.alerts.map((a: { code: string }) => a.code)).not.toContain('E9');
  });

  it('item 10: the clinic’s stability buffer moves a stability-bound due date earlier', async () => {
    const b72 = { ...base, pump: { kind: 'programmable', reservoirMl: 40, alarmMl: 2 }, lastRefill: { ...base.lastRefill, volumeMl: 40 }, programs: [{ ...base.programs[0], concentrationMcgPerMl: 2000, doseMcgPerDay: 400 }] };
    const r = await post({ ...b72, clinic: { ...base.clinic, stabilityBufferDays: 7 } });
    expect(r.status).toBe(200);
    expect(r.body.refillDueOn).toBe('2026-08-21'); // day 173 (Sat 22 Aug) → Friday
    const bad = await post({ ...b72, clinic: { ...base.clinic, stabilityBufferDays: -1, discrepancyFloorMl: 9 } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.fields).sort()).toEqual(['clinic.discrepancyFloorMl', 'clinic.stabilityBufferDays']);
  });

  it('item 9: refuses an alarm volume of 0 mL (below the 2 mL floor) naming the field', async () => {
    const r = await post({ ...base, pump: { ...base.pump, alarmMl: 0 } });
    expect(r.status).toBe(400);
    expect(r.body.fields['pump.alarmMl']).toMatch(/at least 2 mL/);
  });

  it('accepts the old clinic.discrepancyMinMl for compatibility', async () => {
    expect((await post({ ...base, clinic: { ...base.clinic, discrepancyMinMl: 2 } })).status).toBe(200);
  });

  it('front desk may not use the clinical calculator', async () => {
    expect((await call(POST, { method: 'POST', token: ctx.tokens['front-desk'], body: base })).status).toBe(403);
  });
});
