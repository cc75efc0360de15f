/**
 * Hostile input against every mutation endpoint under /api/v1: malformed, oversized, wrong-typed and
 * boundary values. Never a 5xx, and a refused request writes nothing (the clinical tables are unchanged).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPatient, createPump, DAY_MS, createAppointment } from '@/db/factories';
import { call, setupApiTest, type ApiTestContext } from './api';

type Handler = Parameters<typeof call>[0];

let ctx: ApiTestContext;
const ids: Record<string, string> = {};

/** Every route module under app/api/v1 with its mutation methods. */
function mutationRoutes(): { file: string; method: string }[] {
  const out: { file: string; method: string }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name === 'route.ts') {
        const src = fs.readFileSync(full, 'utf8');
        for (const m of ['POST', 'PATCH', 'PUT', 'DELETE']) if (new RegExp(`export (const|async function) ${m}\\b`).test(src)) out.push({ file: full, method: m });
      }
    }
  };
  walk(path.join(process.cwd(), 'app', 'api', 'v1'));
  return out;
}

function fingerprint(): string {
  const tables = ctx.db.$client
    .prepare("select name from sqlite_master where type='table' and name not in ('api_tokens','sign_in_attempts','session_activity','audit_log','sessions') and name not like 'sqlite_%' and name not like '__drizzle%'")
    .all() as { name: string }[];
  const h = crypto.createHash('sha256');
  for (const { name } of tables) h.update(name).update(JSON.stringify(ctx.db.$client.prepare(`select * from "${name}" order by rowid`).all()));
  return h.digest('hex');
}

const routes = mutationRoutes();

beforeAll(() => {
  ctx = setupApiTest();
  const model = ctx.catalog.models.get('8637-20')!;
  const drug = ctx.catalog.drugs.get('Lioresal Intrathecal')!;
  const patient = createPatient(ctx.db, { clinicId: ctx.clinic.id, mrn: 'HOSTILE-1' });
  const { pump } = createPump(ctx.db, {
    patientId: patient.id,
    model,
    serial: 'H-1',
    implantedOn: '2025-01-01',
    program: { drugId: drug.id, concentrationMcgPerMl: 500, mode: 'simple', doseMcgPerDay: 250 },
    filledAt: Date.now() - 10 * DAY_MS,
    fillMl: 20,
  });
  const appointment = createAppointment(ctx.db, { pumpId: pump.id, startsAt: Date.now() + 5 * DAY_MS });
  Object.assign(ids, { patient: String(patient.id), pump: String(pump.id), appointment: String(appointment.id) });
});

const hostile = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ version: fc.oneof(fc.integer(), fc.string(), fc.constant(null)) }),
  fc.dictionary(
    fc.constantFrom('pumpId', 'startsAt', 'volumeFilledMl', 'aspiratedResidualMl', 'concentrationMcgPerMl', 'doseMcgPerDay', 'mrn', 'givenName', 'timeZone', 'bufferDays', 'status', 'version', 'kind', 'reason', 'code', 'name', 'email', 'role'),
    fc.oneof(fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }), fc.double(), fc.string({ maxLength: 300 }), fc.constant(''), fc.constant(null), fc.constant(1e308), fc.constant('9999-99-99'), fc.constant('<script>alert(1)</script>'), fc.array(fc.integer(), { maxLength: 5 })),
  ),
);

describe('hostile input to every mutation endpoint', () => {
  it('finds the mutation endpoints', () => {
    expect(routes.length).toBeGreaterThan(8);
  });

  for (const { file, method } of routes) {
    const rel = path.relative(process.cwd(), file);
    it(`${method} ${rel}: never a 5xx, and a refused request writes nothing`, async () => {
      const mod = (await import(/* @vite-ignore */ file)) as Record<string, Handler>;
      const handler = mod[method]!;
      const params = { id: rel.includes('appointments') ? ids.appointment! : rel.includes('pumps') ? ids.pump! : rel.includes('staff') ? ctx.users.nurse.id : ids.patient! };
      const role = rel.includes('staff') || rel.includes('settings') ? 'admin' : rel.includes('programs') ? 'physician' : 'nurse';
      await fc.assert(
        fc.asyncProperty(hostile, async (body) => {
          const before = fingerprint();
          const r = await call(handler, { method, token: ctx.tokens[role], body, params });
          if (r.status >= 500) throw new Error(`${r.status} for ${JSON.stringify(body).slice(0, 200)}: ${JSON.stringify(r.body)}`);
          if (r.status >= 400) expect(fingerprint()).toBe(before);
          return true;
        }),
        { numRuns: 40 },
      );
      // Malformed and oversized bodies.
      for (const rawBody of ['{', 'null', '[]', '"x"', 'x'.repeat(70_000), JSON.stringify({ a: 'x'.repeat(70_000) })]) {
        const before = fingerprint();
        const r = await call(handler, { method, token: ctx.tokens[role], rawBody, params });
        expect(r.status, `${rawBody.slice(0, 20)}`).toBeLessThan(500);
        if (r.status >= 400) expect(fingerprint()).toBe(before);
      }
    });
  }
});
