/**
 * Calendar feeds end to end: a nurse issues and rotates a patient's link from the patient page (the old address
 * answers 404 at once), prints the handout without the token ever appearing in a URL, and a staff member manages
 * their own clinic feed. Links issued by a test are revoked again by the fixtures.
 */
import AxeBuilder from '@axe-core/playwright';
import { request as playwrightRequest, type APIRequestContext, type Page } from '@playwright/test';
import { expect, sessionCookie, signIn, test as base, type DemoRole } from './fixtures';

interface FeedApi {
  patientId: number;
  /** Revokes the link of a patient (or `me` for the role's own clinic feed) after the test. */
  revokeAfter: (target: number | 'me', role: DemoRole) => void;
}

const test = base.extend<{ feeds: FeedApi }>({
  // The fixture callback is named `provide`, not `use`: React's hooks lint rule would take `use(...)` for a hook.
  feeds: async ({ baseURL }, provide) => {
    const context: APIRequestContext = await playwrightRequest.newContext({ baseURL });
    const nurse = await sessionCookie(context, baseURL!, 'nurse');
    const search = await context.get('/api/v1/patients?q=Rahman', { headers: { cookie: nurse } });
    expect(search.status()).toBe(200);
    const { patients } = (await search.json()) as { patients: { id: number }[] };
    const patientId = patients[0]?.id;
    if (!patientId) throw new Error('The demo clinic has no patient named Rahman');
    const pending: { target: number | 'me'; role: DemoRole }[] = [];
    await provide({ patientId, revokeAfter: (target, role) => pending.push({ target, role }) });
    for (const { target, role } of pending) {
      const cookie = role === 'nurse' ? nurse : await sessionCookie(context, baseURL!, role);
      const path = target === 'me' ? '/api/v1/me/feed' : `/api/v1/patients/${target}/feed`;
      const response = await context.delete(path, { headers: { cookie, origin: baseURL! } });
      expect(response.status(), `revoke ${path}`).toBe(200);
    }
    await context.dispose();
  },
});

async function expectNoSeriousAxeViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

test('a nurse rotates a patient’s calendar link from the patient page; the old link stops at once', async ({ page, feeds }) => {
  feeds.revokeAfter(feeds.patientId, 'nurse');
  await signIn(page, 'nurse');
  await page.goto(`/patients/${feeds.patientId}`);
  const panel = page.getByRole('region', { name: 'Calendar link', exact: true });
  await expect(panel).toBeVisible();

  // Start from a known state: no active link, or an active one that can no longer be shown.
  const create = panel.getByRole('button', { name: 'Create calendar link' });
  if (await create.isVisible()) {
    await create.click();
  } else {
    await panel.getByRole('button', { name: 'Rotate link' }).click();
    await panel.getByRole('button', { name: 'Yes, rotate link' }).click();
  }
  const httpsField = panel.getByLabel('Calendar link (https)');
  await expect(httpsField).toHaveValue(/\/feeds\/patients\/[A-Za-z0-9_-]{43}\.ics$/);
  const oldUrl = await httpsField.inputValue();
  await expect(panel.getByLabel('Subscribe link (webcal)')).toHaveValue(oldUrl.replace(/^https?:/, 'webcal:'));
  await expect(panel.getByRole('img', { name: /QR code/ })).toBeVisible();

  const before = await page.request.get(oldUrl);
  expect(before.status()).toBe(200);
  expect(before.headers()['content-type']).toBe('text/calendar; charset=utf-8');
  expect(await before.text()).toContain('BEGIN:VCALENDAR');
  await expectNoSeriousAxeViolations(page);

  await panel.getByRole('button', { name: 'Rotate link' }).click();
  await panel.getByRole('button', { name: 'Yes, rotate link' }).click();
  await expect(httpsField).not.toHaveValue(oldUrl);
  await expect(httpsField).toHaveValue(/\/feeds\/patients\/[A-Za-z0-9_-]{43}\.ics$/);
  const newUrl = await httpsField.inputValue();

  const old = await page.request.get(oldUrl);
  expect(old.status()).toBe(404);
  expect(await old.text()).toContain('This calendar link does not work');
  expect((await page.request.get(newUrl)).status()).toBe(200);

  // The handout gets the link from this tab, never through its URL.
  const token = /([A-Za-z0-9_-]{43})\.ics$/.exec(newUrl)![1]!;
  await panel.getByRole('link', { name: 'Print handout' }).click();
  await page.waitForURL(`**/patients/${feeds.patientId}/feed-handout`);
  expect(page.url()).not.toContain(token);
  await expect(page.getByRole('heading', { level: 1, name: 'Your pump refill calendar' })).toBeVisible();
  await expect(page.getByText(newUrl, { exact: true })).toBeVisible();
  await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Print handout' })).toBeEnabled();
  await expectNoSeriousAxeViolations(page);
});

test('the handout refuses to print without a freshly issued link', async ({ page, feeds }) => {
  await signIn(page, 'nurse');
  await page.goto(`/patients/${feeds.patientId}/feed-handout`);
  await expect(page.getByText('There is no new calendar link to print.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Print handout' })).toBeDisabled();
});

test('the front desk sees no calendar-link controls on the patient page', async ({ page, feeds }) => {
  await signIn(page, 'front-desk');
  await page.goto(`/patients/${feeds.patientId}`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Calendar link', exact: true })).toHaveCount(0);
});

test('a staff member creates, rotates and revokes their own clinic feed at /me/feed', async ({ page, feeds }) => {
  feeds.revokeAfter('me', 'front-desk');
  await signIn(page, 'front-desk');
  await page.goto('/me/feed');
  await expect(page.getByRole('heading', { level: 1, name: 'My clinic calendar' })).toBeVisible();
  const create = page.getByRole('button', { name: 'Create calendar link' });
  if (!(await create.isVisible())) {
    await page.getByRole('button', { name: 'Revoke link' }).click();
    await page.getByRole('button', { name: 'Yes, revoke link' }).click();
  }
  await create.click();
  const httpsField = page.getByLabel('Calendar link (https)');
  await expect(httpsField).toHaveValue(/\/feeds\/clinics\/[A-Za-z0-9_-]{43}\.ics$/);
  const first = await httpsField.inputValue();
  const feed = await page.request.get(first);
  expect(feed.status()).toBe(200);
  const body = await feed.text();
  expect(body).toMatch(/SUMMARY:(Refill|Refill due|Low-reservoir alarm): [A-Z]\.[A-Z]\. \(MRN \d+\)/);
  await expectNoSeriousAxeViolations(page);

  await page.getByRole('button', { name: 'Rotate link' }).click();
  await page.getByRole('button', { name: 'Yes, rotate link' }).click();
  await expect(httpsField).not.toHaveValue(first);
  const second = await httpsField.inputValue();
  expect((await page.request.get(first)).status()).toBe(404);

  await page.getByRole('button', { name: 'Revoke link' }).click();
  await page.getByRole('button', { name: 'Yes, revoke link' }).click();
  await expect(page.getByText('You have no clinic calendar link.')).toBeVisible();
  expect((await page.request.get(second)).status()).toBe(404);
});
