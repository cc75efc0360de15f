/**
 * Walks the route table of docs/security.md: every route × every role × no session, against the production
 * build. Also checks that every page and route handler under app/ is in the table, the security headers, and
 * that an XSS payload in a patient's name stays inert.
 */
import fs from 'node:fs';
import path from 'node:path';
import { request as playwrightRequest } from '@playwright/test';
import { accounts, expect, sessionCookie, signIn, test, type DemoRole } from './fixtures';

interface RouteRow {
  pattern: string;
  sample: string;
  method: string;
  expected: Record<DemoRole | 'anonymous', 'yes' | 'no' | 'public'>;
}

const roles = Object.keys(accounts) as DemoRole[];

function readTable(): RouteRow[] {
  const doc = fs.readFileSync(path.join(process.cwd(), 'docs', 'security.md'), 'utf8');
  const block = doc.split('<!-- routes:start -->')[1]?.split('<!-- routes:end -->')[0] ?? '';
  return block
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => {
      const cells = line.split('|').slice(1, -1).map((c) => c.trim().replace(/`/g, ''));
      const [pattern, sample, method, admin, physician, nurse, desk, anonymous] = cells as [string, string, string, ...('yes' | 'no' | 'public')[]];
      return { pattern, sample, method, expected: { admin: admin!, physician: physician!, nurse: nurse!, 'front-desk': desk!, anonymous: anonymous! } };
    });
}

function routesInApp(): string[] {
  const found: string[] = [];
  const walk = (dir: string, segments: string[]) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (entry.name.startsWith('_')) continue;
        const segment = /^\(.*\)$/.test(entry.name) ? [] : [entry.name];
        walk(path.join(dir, entry.name), [...segments, ...segment]);
      } else if (entry.name === 'page.tsx' || entry.name === 'route.ts') {
        found.push(`/${segments.join('/')}`);
      }
    }
  };
  walk(path.join(process.cwd(), 'app'), []);
  return found;
}

const table = readTable();

test('every page and route handler under app/ is in the security table', () => {
  const patterns = new Set(table.map((r) => r.pattern));
  const missing = routesInApp().filter((r) => !patterns.has(r));
  expect(missing).toEqual([]);
});

test('the route table holds every role and a method for each row', () => {
  expect(table.length).toBeGreaterThan(40);
  for (const row of table) expect(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).toContain(row.method);
});

for (const who of [...roles, 'anonymous'] as const) {
  test(`route matrix as ${who}`, async ({ baseURL }) => {
    test.setTimeout(180_000);
    const origin = baseURL!;
    const api = await playwrightRequest.newContext({ baseURL: origin });
    const cookie = who === 'anonymous' ? '' : await sessionCookie(api, origin, who);
    const failures: string[] = [];
    for (const row of table) {
      const expected = row.expected[who];
      const isApi = row.sample.startsWith('/api/');
      const response = await api.fetch(row.sample, {
        method: row.method,
        headers: { ...(cookie ? { cookie } : {}), origin, ...(row.method !== 'GET' ? { 'content-type': 'application/json' } : {}) },
        data: row.method === 'GET' ? undefined : '{}',
        maxRedirects: 0,
        failOnStatusCode: false,
      });
      const status = response.status();
      const location = response.headers()['location'] ?? '';
      const refused = isApi ? status === 403 || status === 401 : status === 307 && /\/(forbidden|sign-in)/.test(location);
      const label = `${row.method} ${row.sample} → ${status}${location ? ` ${location}` : ''}`;
      if (status >= 500) failures.push(`${label}: server error`);
      else if (expected === 'public') {
        if (refused) failures.push(`${label}: public route refused`);
      } else if (expected === 'yes') {
        if (refused) failures.push(`${label}: should be allowed`);
      } else if (who === 'anonymous') {
        const ok = isApi ? status === 401 : status === 307 && location.includes('/sign-in');
        if (!ok) failures.push(`${label}: should require sign-in`);
      } else {
        const ok = isApi ? status === 403 : status === 307 && location.includes('/forbidden');
        if (!ok) failures.push(`${label}: should be refused for ${who}`);
      }
    }
    await api.dispose();
    expect(failures).toEqual([]);
  });
}

test('the front desk reads the scheduling view of a patient, and nothing of the clinical record reaches its browser (issue 14)', async ({ page, browser, baseURL }) => {
  await signIn(page, 'nurse');
  const full = (await (await page.request.get('/api/v1/patients/3')).json()) as {
    patient: { mrn: string; allergies: string };
    pumps: { program: { dailyDoseMcg: number } | null; forecast: { refillDueOn: string } | null }[];
  };
  await page.goto('/patients/3');
  await expect(page.getByRole('heading', { name: /^Program/ }).first()).toBeVisible();

  const context = await browser.newContext({ baseURL });
  const desk = await context.newPage();
  const bodies: string[] = [];
  desk.on('response', async (r) => {
    if (r.request().resourceType() === 'document' || r.url().includes('/api/')) bodies.push(await r.text().catch(() => ''));
  });
  await signIn(desk, 'front-desk');
  await desk.goto('/patients/3');
  await expect(desk.getByText(`MRN ${full.patient.mrn}`)).toBeVisible();
  await expect(desk.getByText('Refill due').first()).toBeVisible();
  await expect(desk.getByRole('link', { name: 'Book an appointment for this pump' }).first()).toBeVisible();
  const main = desk.locator('main');
  for (const clinical of ['Allergies', 'Daily dose', 'Concentration', 'Program', 'Refill history', 'Backup oral plan', 'Discrepancy'])
    await expect(main).not.toContainText(clinical);
  // The page's own HTML (and the data React hydrates from) carries none of it either.
  const html = bodies.join('\n');
  expect(html).not.toContain('dailyDoseMcg');
  expect(html).not.toContain('concentrationMcgPerMl');
  expect(html).not.toContain('aspiratedResidualMl');
  if (full.patient.allergies) expect(html).not.toContain(full.patient.allergies);

  await desk.goto('/');
  const worklist = (await (await desk.request.get('/api/v1/worklist')).json()) as { rows: { volumeNowMl: number | null; alerts: { code: string; message: string }[] }[] };
  expect(worklist.rows.length).toBeGreaterThan(0);
  for (const row of worklist.rows) {
    expect(row.volumeNowMl).toBeNull();
    for (const alert of row.alerts) expect(alert.message).not.toMatch(/\d+(\.\d+)? ?(mL|mcg|mg)/);
  }
  await context.close();
});

test('pages carry a nonce-based CSP that forbids framing, and no inline script without the nonce', async ({ page }) => {
  const response = await page.goto('/sign-in');
  const csp = response!.headers()['content-security-policy'] ?? '';
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
  expect(response!.headers()['x-content-type-options']).toBe('nosniff');
  const nonce = /'nonce-([^']+)'/.exec(csp)![1];
  const scripts = await page.locator('script').evaluateAll((els) => els.map((e) => (e as HTMLScriptElement).nonce || e.getAttribute('nonce') || ''));
  expect(scripts.length).toBeGreaterThan(0);
  for (const n of scripts) expect(n).toBe(nonce);
});

test('an XSS payload in a patient name is inert on the worklist and the patient page', async ({ page, baseURL }) => {
  const payload = `<img src=x onerror="window.__xss=1">"><script>window.__xss=2</script>`;
  const api = await playwrightRequest.newContext({ baseURL });
  const cookie = await sessionCookie(api, baseURL!, 'nurse');
  // Rename a demo patient through the API (PATCH with its version), then look at the pages as a nurse.
  const before = await api.get('/api/v1/patients/40', { headers: { cookie } });
  expect(before.status()).toBe(200);
  const patient = (await before.json()) as { patient?: { version: number }; version?: number };
  const version = patient.patient?.version ?? patient.version;
  const renamed = await api.patch('/api/v1/patients/40', { headers: { cookie, origin: baseURL! }, data: { givenName: payload, version } });
  expect(renamed.status(), await renamed.text()).toBe(200);
  await api.dispose();

  let dialogs = 0;
  page.on('dialog', async (d) => {
    dialogs++;
    await d.dismiss();
  });
  await signIn(page, 'nurse');
  await page.goto(`/?q=${encodeURIComponent('onerror')}`);
  await expect(page.getByRole('link', { name: /onerror/ })).toBeVisible();
  await page.goto('/patients/40');
  await expect(page.getByText(payload, { exact: false }).first()).toBeVisible();
  expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
  await page.goto('/patients/40/card');
  expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
  expect(dialogs).toBe(0);
});
