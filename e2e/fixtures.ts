/**
 * Shared e2e fixtures: sign in as a demo role through the real sign-in page, or get an API request context
 * carrying that role's session cookie.
 */
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';

export const PASSWORD = 'demo-clinic-2026';
export const accounts = {
  admin: 'admin@demo.clinic',
  physician: 'dr.ortiz@demo.clinic',
  nurse: 'nurse@demo.clinic',
  'front-desk': 'desk@demo.clinic',
} as const;
export type DemoRole = keyof typeof accounts;

export async function signIn(page: Page, role: DemoRole): Promise<void> {
  await signInAs(page, accounts[role]);
}

/** Signs in with any demo account (e.g. the second physician or nurse, for two people editing the same record). */
export async function signInAs(page: Page, email: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

/** Signs in through the API and returns the session cookie header for that role. */
export async function sessionCookie(
  request: APIRequestContext,
  baseURL: string,
  role: DemoRole,
): Promise<string> {
  const response = await request.post('/api/auth/sign-in/email', {
    data: { email: accounts[role], password: PASSWORD },
    headers: { origin: baseURL },
  });
  expect(response.status(), `sign-in as ${role}`).toBe(200);
  const cookies = response.headersArray().filter((h) => h.name.toLowerCase() === 'set-cookie');
  return cookies.map((c) => c.value.split(';')[0]).join('; ');
}

export const test = base.extend<{ asRole: (role: DemoRole) => Promise<Page> }>({
  asRole: async ({ page }, provide) => {
    await provide(async (role) => {
      await signIn(page, role);
      return page;
    });
  },
});

/** A demo patient with an active pump, found by family name through the API. */
export interface Subject {
  patientId: number;
  pumpId: number;
  name: string;
}

export async function findSubject(request: APIRequestContext, familyName: string, cookie?: string): Promise<Subject> {
  const response = await request.get(
    `/api/v1/patients?q=${encodeURIComponent(familyName)}`,
    cookie ? { headers: { cookie } } : {},
  );
  expect(response.status()).toBe(200);
  const { patients } = (await response.json()) as {
    patients: { id: number; name: string; pumps: { id: number }[] }[];
  };
  const patient = patients.find((p) => p.name.startsWith(`${familyName}, `));
  const pump = patient?.pumps[0];
  if (!patient || !pump) throw new Error(`The demo clinic has no patient ${familyName} with an active pump`);
  return { patientId: patient.id, pumpId: pump.id, name: patient.name };
}

/**
 * Today's date in the clinic's own zone, as the server reckons it (YYYY-MM-DD). A test that builds a date from the
 * test machine's UTC clock sends tomorrow for several hours each evening in a zone behind UTC (CI failed at 00:47 UTC:
 * "The initial fill must not be in the future").
 */
export async function clinicToday(request: APIRequestContext): Promise<string> {
  const response = await request.get('/api/v1/worklist?pageSize=1');
  expect(response.status()).toBe(200);
  const { today } = (await response.json()) as { today: string };
  expect(today).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  return today;
}

export { expect };
