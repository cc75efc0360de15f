/**
 * Calling route handlers directly in tests, authenticated with personal API tokens (Bearer), on a fresh
 * copy of the migrated template database. One clinic with one staff member per role, plus a second clinic.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NextRequest } from 'next/server';
import { inject } from 'vitest';
import { openDatabase, type Db } from '../db/client';
import {
  createClinic,
  createPatient,
  createPump,
  DAY_MS,
  ensureCatalog,
  type PatientFactoryInput,
} from '../db/factories';
import { refreshForecasts } from '../db/queries/forecasts';
import * as s from '../db/schema';

export type Role = s.StaffRole;
export const roles: Role[] = ['admin', 'physician', 'nurse', 'front-desk'];

export interface ApiTestContext {
  db: Db;
  clinic: s.Clinic;
  otherClinic: s.Clinic;
  users: Record<Role, s.Staff>;
  tokens: Record<Role | 'otherClinicNurse', string>;
  catalog: ReturnType<typeof ensureCatalog>;
}

const hash = (t: string) => crypto.createHash('sha256').update(t).digest('hex');

function addStaff(db: Db, clinicId: number, role: Role, label: string): { user: s.Staff; token: string } {
  const now = new Date();
  const user = db
    .insert(s.users)
    .values({
      id: crypto.randomUUID(),
      name: `${label} ${role}`,
      email: `${role}.${clinicId}.${crypto.randomUUID().slice(0, 6)}@test.invalid`,
      role,
      clinicId,
      emailVerified: true,
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  const token = `pat_${crypto.randomBytes(24).toString('base64url')}`;
  db.insert(s.apiTokens)
    .values({ userId: user.id, name: 'test', tokenHash: hash(token) })
    .run();
  return { user, token };
}

/** A fresh database for this test file, installed as the app's connection (DATABASE_PATH + the singleton). */
export function setupApiTest(): ApiTestContext {
  const template = inject('templateDb');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pump-api-'));
  const file = path.join(dir, 'api.db');
  fs.copyFileSync(template, file);
  process.env.DATABASE_PATH = file;
  process.env.SEED_DEMO = 'false';
  const db = openDatabase(file);
  (globalThis as { __pumpDb?: Db }).__pumpDb = db;
  const catalog = ensureCatalog(db);
  const clinic = createClinic(db, { name: 'Test Clinic', timeZone: 'America/Chicago' });
  const otherClinic = createClinic(db, { name: 'Other Clinic', timeZone: 'Europe/Berlin' });
  const users = {} as Record<Role, s.Staff>;
  const tokens = {} as ApiTestContext['tokens'];
  for (const role of roles) {
    const { user, token } = addStaff(db, clinic.id, role, 'Test');
    users[role] = user;
    tokens[role] = token;
  }
  tokens.otherClinicNurse = addStaff(db, otherClinic.id, 'nurse', 'Other').token;
  return { db, clinic, otherClinic, users, tokens, catalog };
}

type Handler = (
  request: NextRequest,
  context: { params: Promise<Record<string, string>> },
) => Promise<Response>;

export async function call(
  handler: Handler,
  options: {
    method?: string;
    url?: string;
    token?: string | null;
    body?: unknown;
    rawBody?: string;
    params?: Record<string, string>;
    headers?: Record<string, string>;
  } = {},
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON answers
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const init: { method: string; headers: Record<string, string>; body?: string } = {
    method: options.method ?? 'GET',
    headers,
  };
  if (options.rawBody !== undefined) init.body = options.rawBody;
  else if (options.body !== undefined) init.body = JSON.stringify(options.body);
  const request = new NextRequest(new URL(options.url ?? '/api/test', 'http://localhost:3000'), init);
  const response = await handler(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: response.status, body, headers: response.headers };
}

export const TEST_PASSWORD = 'correct horse battery staple';
let passwordHash: Promise<string> | undefined;

/**
 * The user's credentials for a second-person confirmation: gives the account its password (once) and returns
 * what the second person types, `{ userId, password }`.
 */
export async function credentialsOf(ctx: ApiTestContext, user: s.Staff): Promise<{ userId: string; password: string }> {
  passwordHash ??= import('better-auth/crypto').then((m) => m.hashPassword(TEST_PASSWORD));
  const hashed = await passwordHash;
  const now = new Date();
  ctx.db
    .insert(s.accounts)
    .values({ id: `cred-${user.id}`, accountId: user.id, providerId: 'credential', userId: user.id, password: hashed, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .run();
  return { userId: user.id, password: TEST_PASSWORD };
}

let pumpSeq = 0;

/**
 * A patient with one SynchroMed II 20 mL pump on 250 mcg/day of Lioresal at 500 mcg/mL, filled with 20 mL
 * `filledDaysAgo` days ago, and its stored forecast: the usual subject of a route test.
 */
export function addBaclofenPump(
  ctx: ApiTestContext,
  options: {
    clinicId?: number;
    mrn?: string;
    serial?: string;
    implantedOn?: string;
    filledDaysAgo?: number;
    patient?: Partial<PatientFactoryInput>;
  } = {},
): { patient: s.Patient; pump: s.Pump; program: s.DrugProgram } {
  pumpSeq++;
  const mrn = options.mrn ?? `T-${pumpSeq}`;
  const patient = createPatient(ctx.db, {
    clinicId: options.clinicId ?? ctx.clinic.id,
    mrn,
    ...options.patient,
  });
  const { pump, program } = createPump(ctx.db, {
    patientId: patient.id,
    model: ctx.catalog.models.get('8637-20')!,
    serial: options.serial ?? `S-${mrn}`,
    implantedOn: options.implantedOn ?? '2024-01-01',
    program: {
      drugId: ctx.catalog.drugs.get('Lioresal Intrathecal')!.id,
      concentrationMcgPerMl: 500,
      mode: 'simple',
      doseMcgPerDay: 250,
    },
    filledAt: Date.now() - (options.filledDaysAgo ?? 5) * DAY_MS,
    fillMl: 20,
  });
  refreshForecasts(ctx.db, { pumpIds: [pump.id] }, Date.now());
  return { patient, pump, program };
}
