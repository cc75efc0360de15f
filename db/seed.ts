/**
 * The demo clinic: deterministic, with dates relative to "now" so it never goes stale. About 40 patients cover
 * every state a nurse must recognise; `seedClinic(db, { patients: 10_000 })` builds a large clinic for
 * benchmarks from the same factories and scenario generator.
 */
import { randomUUID } from 'node:crypto';
import { hashPassword } from 'better-auth/crypto';
import { sql } from 'drizzle-orm';
import {
  localDateOf,
  addDaysToLocalDate,
  daysBetween,
  isClinicDay,
  latestClinicDayOnOrBefore,
  localDateTimeToInstant,
  localTimeOf,
  observedHoliday,
} from '@/lib/domain/calendar';
import type { ClinicPolicy } from '@/lib/domain/types';
import { discrepancyToleranceMl } from '@/lib/domain/refill';
import { optimizeDatabase, writeTransaction, type Db } from './client';
import {
  DAY_MS,
  changeProgram,
  createAppointment,
  createClinic,
  createPatient,
  createPump,
  createRefillVisit,
  ensureCatalog,
  type ProgramSpec,
} from './factories';
import { computeForecasts, loadForecastContexts, refreshForecasts } from './queries/forecasts';
import * as s from './schema';
import { clockNow } from '../lib/clock';

export const DEMO_PASSWORD = 'demo-clinic-2026';
export const demoStaff = [
  { email: 'admin@demo.clinic', name: 'Adele Admin', role: 'admin' },
  { email: 'dr.ortiz@demo.clinic', name: 'Dr. Ana Ortiz', role: 'physician' },
  { email: 'dr.okafor@demo.clinic', name: 'Dr. Ben Okafor', role: 'physician' },
  { email: 'nurse@demo.clinic', name: 'Nora Nurse, RN', role: 'nurse' },
  { email: 'nurse2@demo.clinic', name: 'Sam Patel, RN', role: 'nurse' },
  { email: 'desk@demo.clinic', name: 'Dana Desk', role: 'front-desk' },
] as const satisfies readonly { email: string; name: string; role: s.StaffRole }[];

type AppointmentRule =
  | { kind: 'none' }
  | { kind: 'before-due'; days: number }
  | { kind: 'after-due'; days: number }
  | { kind: 'after-alarm'; days: number }
  /** Booked a few hours ago and not yet marked done or no-show (the front desk's next task). */
  | { kind: 'hours-ago'; hours: number };

interface Scenario {
  label: string;
  givenName: string;
  familyName: string;
  origin: (typeof s.spasticityOrigins)[number];
  risks?: Partial<Record<'t6' | 'communication' | 'priorWithdrawal' | 'hearing', boolean>>;
  backupOralPlan?: string;
  model: string;
  product: string;
  concentrationMcgPerMl: number;
  program: Omit<ProgramSpec, 'drugId' | 'concentrationMcgPerMl'>;
  fillMl: number;
  alarmMl?: number;
  reservoirMl?: number;
  flowMlPerDay?: number;
  daysSinceRefill: number;
  lastDiscrepancyMl?: number;
  appointment: AppointmentRule;
  noShowYesterday?: boolean;
  implantedYearsAgo?: number;
  eriDaysAgo?: number;
  programChangeDaysAgo?: { doseMcgPerDay: number; reason: string };
}

const simple = (doseMcgPerDay: number): Scenario['program'] => ({ mode: 'simple', doseMcgPerDay });
const oral = 'Oral baclofen 20 mg every 6 hours if the pump fails, until seen (per Dr. on file).';

/** The named demo patients: one for each state a nurse must recognise. */
const namedScenarios: Scenario[] = [
  { label: 'empty: withdrawal risk now', givenName: 'Thomas', familyName: 'Nguyen', origin: 'spinal', risks: { t6: true }, model: '8637-20', product: 'Lioresal Intrathecal', concentrationMcgPerMl: 500, program: simple(250), fillMl: 20, daysSinceRefill: 41, appointment: { kind: 'none' } },
  { label: 'past the alarm date', givenName: 'James', familyName: 'Carter', origin: 'spinal', backupOralPlan: oral, model: '8637-20', product: 'Lioresal Intrathecal', concentrationMcgPerMl: 500, program: simple(250), fillMl: 20, daysSinceRefill: 37, appointment: { kind: 'after-alarm', days: 1 } },
  { label: 'overdue, no appointment', givenName: 'Maria', familyName: 'Alvarez', origin: 'cerebral', backupOralPlan: oral, model: '8637-20', product: 'Lioresal Intrathecal', concentrationMcgPerMl: 500, program: simple(250), fillMl: 20, daysSinceRefill: 33, appointment: { kind: 'none' } },
  { label: 'due soon, booked in time', givenName: 'Aisha', familyName: 'Rahman', origin: 'spinal', backupOralPlan: oral, model: '8637-20', product: 'Lioresal Intrathecal', concentrationMcgPerMl: 500, program: simple(250), fillMl: 20, daysSinceRefill: 20, appointment: { kind: 'before-due', days: 1 } },
  { label: 'appointment after the due date', givenName: 'Robert', familyName: 'Kim', origin: 'spinal', backupOralPlan: oral, model: '8637-40', product: 'Gablofen', concentrationMcgPerMl: 1000, program: simple(450), fillMl: 40, daysSinceRefill: 70, appointment: { kind: 'after-due', days: 3 } },
  { label: 'stability limit binds', givenName: 'Elena', familyName: 'Petrova', origin: 'spinal', backupOralPlan: oral, model: '8637-40', product: 'Lioresal Intrathecal', concentrationMcgPerMl: 2000, program: simple(400), fillMl: 40, daysSinceRefill: 150, appointment: { kind: 'before-due', days: 2 } },
  { label: 'under-infusion at the last refill', givenName: 'David', familyName: 'Okonkwo', origin: 'spinal', backupOralPlan: oral, model: '8637-20', product: 'Lioresal Intrathecal', concentrationMcgPerMl: 500, program: simple(300), fillMl: 20, daysSinceRefill: 10, lastDiscrepancyMl: -3, appointment: { kind: 'before-due', days: 2 } },
  { label: 'flex dosing', givenName: 'Sophie', familyName: 'Laurent', origin: 'cerebral', backupOralPlan: oral, model: '8637-20', product: 'Lioresal Intrathecal', concentrationMcgPerMl: 500, program: { mode: 'flex', flexSteps: [{ start: '00:00', doseMcgPerHour: 8 }, { start: '07:00', doseMcgPerHour: 14 }, { start: '22:00', doseMcgPerHour: 8 }], periodicBoluses: [{ at: '12:00', doseMcg: 25 }] }, fillMl: 20, daysSinceRefill: 12, appointment: { kind: 'before-due', days: 2 } },
  { label: 'constant-flow pump', givenName: 'Henry', familyName: 'Walsh', origin: 'spinal', backupOralPlan: oral, model: '3000', product: 'Lioresal Intrathecal', concentrationMcgPerMl: 500, program: { mode: 'constant-flow' }, fillMl: 30, reservoirMl: 30, alarmMl: 3, flowMlPerDay: 1, daysSinceRefill: 14, appointment: { kind: 'before-due', days: 1 } },
  { label: 'high-risk patient', givenName: 'Grace', familyName: 'Thompson', origin: 'spinal', risks: { t6: true, priorWithdrawal: true, communication: true, hearing: true }, backupOralPlan: oral, model: '8637-20', product: 'Lioresal Intrathecal', concentrationMcgPerMl: 500, program: simple(280), fillMl: 20, alarmMl: 4, daysSinceRefill: 18, appointment: { kind: 'before-due', days: 2 } },
  { label: 'no appointment booked', givenName: 'Samuel', familyName: 'Brooks', origin: 'other', backupOralPlan: oral, model: '8637-20', product: 'Lioresal Intrathecal', concentrationMcgPerMl: 500, program: simple(200), fillMl: 20, daysSinceRefill: 8, appointment: { kind: 'none' } },
  { label: 'Prometra II, alarm at 3 mL', givenName: 'Linh', familyName: 'Tran', origin: 'cerebral', backupOralPlan: oral, model: '13827', product: 'Gablofen', concentrationMcgPerMl: 1000, program: simple(300), fillMl: 20, alarmMl: 3, daysSinceRefill: 15, appointment: { kind: 'before-due', days: 3 } },
  { label: 'morphine with patient boluses', givenName: 'Frank', familyName: 'Miller', origin: 'other', model: '8637-40', product: 'Infumorph (preservative-free morphine)', concentrationMcgPerMl: 10_000, program: { mode: 'simple', doseMcgPerDay: 3000, patientBolus: { doseMcg: 100, maxPerDay: 4 } }, fillMl: 40, daysSinceRefill: 40, appointment: { kind: 'before-due', days: 1 } },
  { label: 'ziconotide', givenName: 'Rosa', familyName: 'Garcia', origin: 'other', model: '8637-20', product: 'Prialt (undiluted)', concentrationMcgPerMl: 25, program: simple(2.4), fillMl: 20, daysSinceRefill: 30, appointment: { kind: 'before-due', days: 2 } },
  { label: 'ERI recorded', givenName: 'Peter', familyName: 'Novak', origin: 'spinal', backupOralPlan: oral, model: '8637-20', product: 'Lioresal Intrathecal', concentrationMcgPerMl: 500, program: simple(220), fillMl: 20, daysSinceRefill: 6, eriDaysAgo: 30, implantedYearsAgo: 6, appointment: { kind: 'before-due', days: 2 } },
  { label: 'pump near end of service', givenName: 'Hannah', familyName: 'Schmidt', origin: 'spinal', backupOralPlan: oral, model: '8637-40', product: 'Lioresal Intrathecal', concentrationMcgPerMl: 2000, program: simple(500), fillMl: 40, daysSinceRefill: 30, implantedYearsAgo: 6.7, appointment: { kind: 'before-due', days: 2 } },
  { label: 'dose above the usual range', givenName: 'Karen', familyName: 'Lee', origin: 'spinal', backupOralPlan: oral, model: '8637-40', product: 'Lioresal Intrathecal', concentrationMcgPerMl: 2000, program: simple(1100), fillMl: 40, daysSinceRefill: 20, appointment: { kind: 'before-due', days: 2 } },
  { label: 'no-show yesterday', givenName: 'Olivia', familyName: 'Martin', origin: 'cerebral', backupOralPlan: oral, model: '8637-20', product: 'Lioresal Intrathecal', concentrationMcgPerMl: 500, program: simple(260), fillMl: 20, daysSinceRefill: 26, noShowYesterday: true, appointment: { kind: 'none' } },
  { label: 'very long name (card layout)', givenName: 'Maximiliana Alexandrina', familyName: 'Featherstonehaugh-Montgomery-Wolfeschlegelsteinhausen', origin: 'cerebral', backupOralPlan: oral, model: '8637-40', product: 'Gablofen', concentrationMcgPerMl: 2000, program: simple(1250), fillMl: 40, daysSinceRefill: 9, appointment: { kind: 'before-due', days: 2 } },
  { label: 'appointment earlier today, not yet marked', givenName: 'Ethan', familyName: 'Ward', origin: 'spinal', backupOralPlan: oral, model: '8637-20', product: 'Lioresal Intrathecal', concentrationMcgPerMl: 500, program: simple(250), fillMl: 20, daysSinceRefill: 27, appointment: { kind: 'hours-ago', hours: 2 } },
  { label: 'dose changed since the card was printed', givenName: 'Noah', familyName: 'Fischer', origin: 'spinal', backupOralPlan: oral, model: '8637-20', product: 'Lioresal Intrathecal', concentrationMcgPerMl: 500, program: simple(240), fillMl: 20, daysSinceRefill: 11, programChangeDaysAgo: { doseMcgPerDay: 280, reason: 'Titration: spasticity at night' }, appointment: { kind: 'before-due', days: 2 } },
];

const givenNames = ['Ava', 'Liam', 'Mia', 'Ethan', 'Zoe', 'Lucas', 'Ivy', 'Omar', 'Nina', 'Jack', 'Leah', 'Mateo', 'Ruth', 'Kai', 'Esther', 'Felix', 'Hana', 'Igor', 'June', 'Yusuf', 'Clara', 'Diego', 'Priya', 'Owen'];
const familyNames = ['Anderson', 'Baker', 'Chen', 'Dubois', 'Evans', 'Fernandez', 'Gupta', 'Hughes', 'Ito', 'Jensen', 'Kowalski', 'Larsen', 'Moreau', 'Nakamura', 'Olsen', 'Park', 'Quinn', 'Rossi', 'Silva', 'Tanaka', 'Usman', 'Vega', 'Weber', 'Young'];

/** Deterministic pseudo-random numbers (mulberry32): the same seed gives the same clinic. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generatedScenario(i: number, random: () => number): Scenario {
  const forty = random() < 0.4;
  const concentration = forty ? 2000 : 500;
  const dose = forty ? 300 + Math.round(random() * 40) * 10 : 150 + Math.round(random() * 20) * 10;
  const dailyVolume = dose / concentration;
  const fill = forty ? 40 : 20;
  const daysToAlarm = (fill - 2) / dailyVolume;
  const daysSince = Math.floor(random() * Math.max(1, Math.min(daysToAlarm, 180) - 12));
  return {
    label: 'generated',
    givenName: givenNames[i % givenNames.length] ?? 'Alex',
    familyName: `${familyNames[(i * 5 + Math.floor(i / givenNames.length)) % familyNames.length] ?? 'Doe'}${i >= givenNames.length * familyNames.length ? `-${i}` : ''}`,
    origin: random() < 0.6 ? 'spinal' : 'cerebral',
    backupOralPlan: random() < 0.85 ? oral : '',
    model: forty ? '8637-40' : random() < 0.2 ? '13827' : '8637-20',
    product: random() < 0.5 ? 'Lioresal Intrathecal' : 'Gablofen',
    concentrationMcgPerMl: concentration,
    program: simple(dose),
    fillMl: fill,
    daysSinceRefill: daysSince,
    appointment: random() < 0.9 ? { kind: 'before-due', days: 1 + Math.floor(random() * 4) } : { kind: 'none' },
  };
}

export interface SeedOptions {
  now: number;
  patients?: number;
  name?: string;
  timeZone?: string;
  /** Past refills per pump before the current cycle. */
  historyVisits?: number;
  withStaff?: boolean;
}

export interface SeedResult {
  clinicId: number;
  patients: number;
  pumps: number;
  visits: number;
}

/**
 * US holidays of this year and the next, from "now", so the demo calendar never goes stale: the days the clinic is
 * closed, so a fixed-date holiday on a weekend is closed on its observed day (Sat 4 Jul 2026: Fri 3 Jul).
 */
function demoHolidays(now: number, timeZone: string): string[] {
  const year = Number(localDateOf(now, timeZone).slice(0, 4));
  const out: string[] = [];
  for (const y of [year, year + 1]) {
    out.push(...[`${y}-01-01`, `${y}-07-04`, `${y}-12-25`].map(observedHoliday));
    // Thanksgiving: the fourth Thursday of November.
    const firstDow = new Date(Date.UTC(y, 10, 1)).getUTCDay();
    const firstThursday = 1 + ((4 - firstDow + 7) % 7);
    out.push(`${y}-11-${String(firstThursday + 21).padStart(2, '0')}`);
  }
  return out.sort();
}

function staffUsers(clinicId: number) {
  const at = new Date(clockNow());
  return demoStaff.map((u) => ({ id: randomUUID(), email: u.email, name: u.name, role: u.role, clinicId, emailVerified: true, createdAt: at, updatedAt: at }));
}

/** The demo staff and their credential accounts, inside the caller's transaction; returns the physicians' ids. */
function insertStaffAccounts(db: Db, clinicId: number, passwordHash: string): string[] {
  const users = staffUsers(clinicId);
  for (const u of users) {
    db.insert(s.users).values(u).run();
    db.insert(s.accounts).values({ id: randomUUID(), accountId: u.id, providerId: 'credential', userId: u.id, password: passwordHash, createdAt: u.createdAt, updatedAt: u.updatedAt }).run();
  }
  return users.filter((u) => u.role === 'physician').map((u) => u.id);
}

/** Builds a clinic of demo patients. Synchronous and transactional: a failed seed leaves nothing behind. */
export function seedClinic(db: Db, options: SeedOptions, physicianIds: string[] = [], staffPasswordHash?: string): SeedResult {
  // One transaction writes every row: with SQLite's default 2 MB page cache the growing indexes spill, and the
  // time per patient grew with the clinic (10,000: 4 s; 50,000: 32 s). 256 MB for the seed, then back.
  const cacheSize = db.$client.pragma('cache_size', { simple: true }) as number;
  db.$client.pragma('cache_size = -262144');
  try {
    return seedClinicRows(db, options, physicianIds, staffPasswordHash);
  } finally {
    db.$client.pragma(`cache_size = ${Number(cacheSize)}`);
  }
}

function seedClinicRows(db: Db, options: SeedOptions, givenPhysicianIds: string[], staffPasswordHash?: string): SeedResult {
  const now = options.now;
  const timeZone = options.timeZone ?? 'America/Chicago';
  const total = options.patients ?? 40;
  const historyVisits = options.historyVisits ?? 5;
  const random = rng(20261126);
  let visits = 0;

  // better-sqlite3 runs a transaction on its one connection, so statements through `db` inside the callback are
  // part of it; the factories given `db` reuse prepared statements (db/fast-insert.ts), which a drizzle `tx` cannot.
  return writeTransaction(db, () => {
    const tx = db;
    const { models, drugs } = ensureCatalog(tx);
    const clinic = createClinic(tx, {
      name: options.name ?? 'Riverside Spasticity & Pain Clinic',
      timeZone,
      phone24h: '+1 555 010 0247',
      address: '400 River Road, Suite 2, Springfield, IL 62701',
      holidays: demoHolidays(now, timeZone),
      isDemo: true,
      // The README's demo sign-ins work without an authenticator; a real clinic requires one of admins and
      // physicians by default (clinics.mfa_required_roles, issue 14 item 4).
      mfaRequiredRoles: [],
    });
    // The staff are created in the same transaction as their clinic, so the printed demo sign-ins exist
    // whenever the patients do.
    const physicianIds = staffPasswordHash ? insertStaffAccounts(tx, clinic.id, staffPasswordHash) : givenPhysicianIds;
    const atLocal = (instant: number, hh: number, mm = 0) =>
      localDateTimeToInstant(localDateOf(instant, timeZone), `${String(hh).padStart(2, '0')}:${String(mm).padStart(2, '0')}`, timeZone);

    const scenarioPumps: { pumpId: number; scenario: Scenario; index: number }[] = [];
    for (let i = 0; i < total; i++) {
      const scenario = i < namedScenarios.length ? namedScenarios[i]! : generatedScenario(i, random);
      const model = models.get(scenario.model);
      const drug = drugs.get(scenario.product);
      if (!model || !drug) throw new Error(`Seed scenario ${scenario.label}: unknown model or drug`);
      const patient = createPatient(tx, {
        clinicId: clinic.id,
        mrn: String(100_000 + i * 7),
        givenName: scenario.givenName,
        familyName: scenario.familyName,
        dateOfBirth: `${1950 + ((i * 7) % 55)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + ((i * 3) % 28)).padStart(2, '0')}`,
        spasticityOrigin: scenario.origin,
        riskInjuryT6OrAbove: scenario.risks?.t6,
        riskCommunication: scenario.risks?.communication,
        riskPriorWithdrawal: scenario.risks?.priorWithdrawal,
        riskHearingImpaired: scenario.risks?.hearing,
        backupOralPlan: scenario.backupOralPlan ?? '',
        managingPhysicianId: physicianIds.length ? physicianIds[i % physicianIds.length]! : null,
        phone: `+1 555 01${String(i % 100).padStart(2, '0')} ${String(1000 + i).slice(-4)}`,
        caregiverName: i % 3 === 0 ? 'Family caregiver' : '',
        caregiverPhone: i % 3 === 0 ? `+1 555 02${String(i % 100).padStart(2, '0')} 0000` : '',
      });
      const spec: ProgramSpec = { ...scenario.program, drugId: drug.id, concentrationMcgPerMl: scenario.concentrationMcgPerMl };
      const doseMcg =
        scenario.program.mode === 'constant-flow'
          ? (scenario.flowMlPerDay ?? 1) * scenario.concentrationMcgPerMl
          : scenario.program.mode === 'flex'
            ? 282 + 25
            : (scenario.program.doseMcgPerDay ?? 0);
      const dailyMl = scenario.program.mode === 'constant-flow' ? (scenario.flowMlPerDay ?? 1) : doseMcg / scenario.concentrationMcgPerMl;
      const alarmMl = scenario.alarmMl ?? (model.defaultAlarmUl ?? 2000) / 1000;
      const refillAt = atLocal(now - scenario.daysSinceRefill * DAY_MS, 10, (i % 4) * 15);
      // A refill "today" before 10:00 clinic time happened yesterday: never record one in the future.
      const lastRefillDue = refillAt > now ? refillAt - DAY_MS : refillAt;
      // Refills happen on clinic days. The last one moves to the next clinic day (if not after now) with the fill
      // short by the days it moved, so that the scenario's state now (volume, alarm date) is the one it describes;
      // otherwise to the previous clinic day.
      const last = onClinicDay(lastRefillDue, clinic, now, 'later-if-past');
      const lastRefillAt = last.at;
      // The forecast counts every allowed patient bolus (the worst case), so the fill is short by that much a day.
      const bolus = scenario.program.patientBolus;
      const worstDailyMl = dailyMl + (bolus ? (bolus.doseMcg * bolus.maxPerDay) / scenario.concentrationMcgPerMl : 0);
      const lastFillMl =
        last.shiftDays > 0 ? Math.round((scenario.fillMl - last.shiftDays * worstDailyMl) * 1000) / 1000 : scenario.fillMl;
      // Past cycles ended a little before their alarm, within the drug's stability limit.
      const interval = Math.max(7, Math.min(Math.floor((scenario.fillMl - alarmMl) / dailyMl) - 9, drug.stabilityDays - 10));
      const firstFillAt = onClinicDay(lastRefillDue - historyVisits * interval * DAY_MS, clinic, now, 'earlier').at;
      const implantedOn = scenario.implantedYearsAgo
        ? localDateOf(now - Math.round(scenario.implantedYearsAgo * 365.25) * DAY_MS, timeZone)
        : localDateOf(firstFillAt, timeZone);
      const { pump, program } = createPump(tx, {
        patientId: patient.id,
        model,
        serial: `${model.modelNumber.replace(/\D/g, '')}-${String(510_000 + i * 13)}`,
        implantedOn,
        alarmMl,
        reservoirMl: scenario.reservoirMl,
        flowMlPerDay: scenario.flowMlPerDay ?? null,
        catheterVolumeMl: model.manufacturer === 'Flowonix' ? 80 * 0.0026 : null, // 80 cm × 0.0026 mL/cm (S31)
        eriRecordedOn: scenario.eriDaysAgo ? localDateOf(now - scenario.eriDaysAgo * DAY_MS, timeZone) : null,
        program: spec,
        filledAt: firstFillAt,
        fillMl: scenario.fillMl,
        drugLot: `L${24_000 + i}`,
      });
      visits++;
      let previousAt = firstFillAt;
      for (let k = historyVisits - 1; k >= 0; k--) {
        const at = k === 0 ? lastRefillAt : onClinicDay(lastRefillDue - k * interval * DAY_MS, clinic, now, 'earlier').at;
        const fillMl = k === 0 ? lastFillMl : scenario.fillMl;
        const expected = Math.max(0, scenario.fillMl - ((at - previousAt) / DAY_MS) * dailyMl);
        previousAt = at;
        const isLast = k === 0;
        const noise = Math.round((random() - 0.5) * 0.6 * 10) / 10;
        const discrepancy = isLast && scenario.lastDiscrepancyMl !== undefined ? scenario.lastDiscrepancyMl : noise;
        const aspirated = Math.max(0, Math.round((expected - discrepancy) * 10) / 10);
        // The clinic's rule (reference.md B4), as at a real refill.
        const tolerance = discrepancyToleranceMl(scenario.fillMl - expected, pump.reservoirUl / 1000);
        const flagged = Math.abs(discrepancy) > tolerance ? (discrepancy < 0 ? 'under-infusion' : 'over-delivery') : 'none';
        createRefillVisit(tx, {
          pumpId: pump.id,
          drugId: drug.id,
          performedAt: at,
          expectedResidualMl: Math.round(expected * 1000) / 1000,
          aspiratedResidualMl: aspirated,
          fillMl,
          concentrationMcgPerMl: scenario.concentrationMcgPerMl,
          programId: program.id,
          performedByName: i % 2 ? 'Nora Nurse, RN' : 'Sam Patel, RN',
          verifiedByName: i % 2 ? 'Sam Patel, RN' : 'Nora Nurse, RN',
          drugLot: `L${25_000 + i * 10 + k}`,
          drugExpiresOn: localDateOf(at + 300 * DAY_MS, timeZone),
          discrepancyFlag: flagged,
          // Pocket-fill safeguards of reference.md G1 (E6): every demo refill did them.
          residualCheckedBeforeFill: true,
          needlePlacementConfirmed: true,
          templateUsed: true,
          fillConfirmationMethod: 'aspiration-back',
          notes: flagged === 'under-infusion' ? 'More drug left than expected: catheter study requested.' : '',
        });
        createAppointment(tx, { pumpId: pump.id, startsAt: at - 30 * 60_000, status: 'done' });
        visits++;
      }
      if (scenario.programChangeDaysAgo) {
        changeProgram(tx, pump.id, { ...spec, doseMcgPerDay: scenario.programChangeDaysAgo.doseMcgPerDay, reason: scenario.programChangeDaysAgo.reason }, now - 5 * DAY_MS);
        // The card was printed at the last refill, before this change: it is now outdated.
        tx.insert(s.cardPrints).values({ pumpId: pump.id, kind: 'card', programId: program.id, printedAt: lastRefillAt }).run();
      } else if (i % 2 === 0) {
        tx.insert(s.cardPrints).values({ pumpId: pump.id, kind: 'card', programId: program.id, printedAt: lastRefillAt + 3_600_000 }).run();
      }
      if (scenario.noShowYesterday) {
        createAppointment(tx, { pumpId: pump.id, startsAt: atLocal(now - DAY_MS, 9, 30), status: 'no-show' });
      }
      scenarioPumps.push({ pumpId: pump.id, scenario, index: i });
    }

    // Book the next appointments relative to each pump's forecast.
    const forecasts = new Map(
      computeForecasts(loadForecastContexts(tx, { clinicId: clinic.id }, now)).map((r) => [r.context.pumpId, r.forecast]),
    );
    const today = localDateOf(now, timeZone);
    const slotsTaken = new Map<string, number>();
    for (const { pumpId, scenario, index } of scenarioPumps) {
      const f = forecasts.get(pumpId);
      const rule = scenario.appointment;
      if (!f || rule.kind === 'none') continue;
      if (rule.kind === 'hours-ago') {
        createAppointment(tx, { pumpId, startsAt: now - rule.hours * 3_600_000 });
        continue;
      }
      let date =
        rule.kind === 'before-due'
          ? addDaysToLocalDate(f.refillDueOn, -rule.days)
          : rule.kind === 'after-due'
            ? addDaysToLocalDate(f.refillDueOn, rule.days)
            : addDaysToLocalDate(localDateOf(f.lowReservoirAlarmAt ?? now, timeZone), rule.days);
      if (date <= today) date = addDaysToLocalDate(today, 1);
      date = nextClinicDay(date, clinic, rule.kind === 'before-due' ? -1 : 1, today);
      const n = slotsTaken.get(date) ?? 0;
      slotsTaken.set(date, n + 1);
      const minutes = 8 * 60 + 30 + ((n + index) % 14) * 30;
      const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
      createAppointment(tx, { pumpId, startsAt: localDateTimeToInstant(date, time, timeZone) });
    }
    refreshForecasts(tx, { clinicId: clinic.id }, now);
    return { clinicId: clinic.id, patients: total, pumps: total, visits };
  });
}

/**
 * A past visit moved onto a clinic day at the same clinic time: to the previous clinic day ('earlier'), or to the
 * next one when that is not after `now` ('later-if-past', else the previous one). `shiftDays` is how far it moved,
 * positive when later.
 */
function onClinicDay(
  at: number,
  clinic: Pick<ClinicPolicy, 'clinicWeekdays' | 'holidays'> & { timeZone: string },
  now: number,
  direction: 'earlier' | 'later-if-past',
): { at: number; shiftDays: number } {
  const date = localDateOf(at, clinic.timeZone);
  if (isClinicDay(date, clinic)) return { at, shiftDays: 0 };
  const time = localTimeOf(at, clinic.timeZone);
  if (direction === 'later-if-past') {
    const later = nextClinicDay(date, clinic, 1, date);
    const laterAt = localDateTimeToInstant(later, time, clinic.timeZone);
    if (laterAt <= now) return { at: laterAt, shiftDays: daysBetween(date, later) };
  }
  const earlier = latestClinicDayOnOrBefore(date, clinic);
  return { at: localDateTimeToInstant(earlier, time, clinic.timeZone), shiftDays: daysBetween(date, earlier) };
}

/** Moves a date off non-clinic days (isClinicDay): earlier for "before due" (never before tomorrow), else later. */
function nextClinicDay(
  date: string,
  clinic: Pick<ClinicPolicy, 'clinicWeekdays' | 'holidays'>,
  direction: -1 | 1,
  today: string,
): string {
  let d = date;
  for (let guard = 0; guard < 14; guard++) {
    if (isClinicDay(d, clinic)) return d;
    const candidate = addDaysToLocalDate(d, direction);
    d = direction === -1 && candidate <= today ? addDaysToLocalDate(d, 1) : candidate;
    if (direction === -1 && candidate <= today) direction = 1;
  }
  return d;
}

export function isEmpty(db: Db): boolean {
  const row = db.get<{ n: number }>(sql`select count(*) as n from clinics`);
  return (row?.n ?? 0) === 0;
}

/**
 * Seeds the demo clinic with its staff accounts into an empty database, in ONE transaction: a first start
 * killed during seeding leaves an empty database (seeded again at the next start), never 40 patients without
 * the staff whose sign-ins the start-up prints (issue 13, item 9).
 */
export async function seedDemo(db: Db, options: SeedOptions): Promise<SeedResult | null> {
  if (!isEmpty(db)) return null;
  // Hashing is asynchronous (scrypt): done before the transaction, which is synchronous.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const result = seedClinic(db, options, [], passwordHash);
  // The tables went from empty to full: give the query planner statistics that say so.
  optimizeDatabase(db);
  return result;
}

/**
 * A demo clinic without its staff accounts: left by a first start that an older version seeded in several
 * transactions and that was killed in between. Its printed sign-ins cannot work.
 */
export function isHalfSeededDemo(db: Db): boolean {
  const row = db.get<{ n: number }>(
    sql`select count(*) as n from clinics c where c.is_demo = 1 and not exists (select 1 from users u where u.clinic_id = c.id)`,
  );
  return (row?.n ?? 0) > 0;
}
