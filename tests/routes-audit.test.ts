/**
 * Every route that answers with patient data audits its read (issue 14, item 7). The compiler already refuses
 * `api({ permission: 'patients:read' })` without `reads`; this walks every route file under app/ to check the
 * same at run time, and that a route not built by api() is one of the few known to need no declaration.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { patientDataPermissions, type RouteMeta } from '@/lib/http/api';
import { setupApiTest } from '@/tests/api';

const root = path.resolve(import.meta.dirname, '..');
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** Routes not built by api(), and why they need no read declaration. */
const NOT_API: Record<string, string> = {
  'api/auth/[...all]/route.ts': 'better-auth: sign-in, sign-out and lockout are audited in lib/auth/auth.ts',
  'api/v1/attendance/[token]/route.ts': "the patient's answer to an appointment reminder, by its one-time token (no staff read)",
  'api/fhir/r4/metadata/route.ts': 'the CapabilityStatement: no patient data',
  'feeds/clinics/[token]/route.ts': 'a calendar feed served by its token (docs/feeds.md), not a staff read',
  'feeds/patients/[token]/route.ts': "the patient's own calendar feed, served by its token",
  'healthz/route.ts': 'liveness: no data',
  'readyz/route.ts': 'readiness: no data',
};

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(full);
    return e.name === 'route.ts' ? [full] : [];
  });
}

const files = routeFiles(path.join(root, 'app')).map((f) => path.relative(path.join(root, 'app'), f).split(path.sep).join('/'));

beforeAll(() => {
  setupApiTest();
});

describe('every route that reads patient data declares its read', () => {
  it('finds the routes', () => {
    expect(files.length).toBeGreaterThan(40);
    expect(files).toContain('api/v1/worklist/route.ts');
  });

  it.each(files)('%s', async (file) => {
    const mod = (await import(path.join(root, 'app', file))) as Record<string, unknown>;
    const handlers = METHODS.filter((m) => typeof mod[m] === 'function').map((m) => [m, (mod[m] as { meta?: RouteMeta }).meta] as const);
    expect(handlers.length).toBeGreaterThan(0);
    for (const [method, meta] of handlers) {
      if (!meta) {
        expect(NOT_API[file], `${method} ${file} is not built by api() and is not a known exception`).toBeDefined();
        continue;
      }
      if ((patientDataPermissions as readonly string[]).includes(meta.permission)) {
        expect(meta.reads?.resource, `${method} ${file} (${meta.permission}) must declare reads`).toMatch(/\S/);
      }
    }
  });
});
