/**
 * Calendar feeds end to end: a nurse issues and rotates a patient's link from the patient page (the old address
 * serves only a "link replaced" entry at once), records the first-name consent, prints the handout without the token ever appearing in a URL, and a staff member manages
 * their own clinic feed. Links issued by a test are revoked again by the fixtures.
 */
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
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

  // The old address now serves a calendar with one "link replaced" entry, so subscribed copies drop their events.
  const old = await page.request.get(oldUrl);
  expect(old.status()).toBe(200);
  const oldBody = await old.text();
  expect(oldBody.replace(/\r\n /g, '')).toContain('SUMMARY:This calendar link was replaced – ask your clinic for the new one');
  expect(oldBody.match(/BEGIN:VEVENT/g)).toHaveLength(1);
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

  await page.goto(`/patients/${feeds.patientId}`);
  // The panel says when the patient's calendar last fetched the feed.
  await expect(panel.getByTestId('feed-last-synced')).toContainText('Last synced: within the last 5 minutes');

  // The first name appears only once the patient's consent is recorded; withdrawn again before the test ends.
  const consent = panel.getByTestId('feed-name-consent');
  await expect(consent).toContainText('Entries show no name');
  expect(await (await page.request.get(newUrl)).text()).not.toMatch(/SUMMARY:[A-Z][a-z]+: /);
  await consent.getByRole('button', { name: 'Record consent to show the first name' }).click();
  await expect(consent).toContainText('the patient consented on');
  expect(await (await page.request.get(newUrl)).text()).toMatch(/SUMMARY:[A-Z][a-z]+: Pump refill due by this date/);
  await consent.getByRole('button', { name: 'Withdraw first-name consent' }).click();
  await expect(consent).toContainText('Entries show no name');
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
  // No patient has the front desk as managing physician: the whole clinic, and "my patients" cannot be chosen.
  const scope = page.getByRole('group', { name: 'What your calendar shows' });
  await expect(scope.getByRole('radio', { name: /The whole clinic/ })).toBeChecked();
  await expect(scope.getByRole('radio', { name: /My patients/ })).toBeDisabled();
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
  expect(body).toMatch(/SUMMARY:(Refill|Pump replacement|Titration): [A-Z]\.[A-Z]\. · pump \d+/);
  expect(body).toMatch(/SUMMARY:Refills to arrange: \d+ pumps?/);
  expect(body).not.toContain('MRN');
  expect(Buffer.byteLength(body)).toBeLessThan(1_000_000);
  await expectNoSeriousAxeViolations(page);

  await page.getByRole('button', { name: 'Rotate link' }).click();
  await page.getByRole('button', { name: 'Yes, rotate link' }).click();
  await expect(httpsField).not.toHaveValue(first);
  const second = await httpsField.inputValue();
  expect(await (await page.request.get(first)).text()).toContain('This calendar link was replaced');

  await page.getByRole('button', { name: 'Revoke link' }).click();
  await page.getByRole('button', { name: 'Yes, revoke link' }).click();
  await expect(page.getByText('You have no clinic calendar link.')).toBeVisible();
  expect(await (await page.request.get(second)).text()).toContain('This calendar link was replaced');
});

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The bytes on the wire, not decoded (gzip stays gzip). */
  body: Buffer;
}

/** A plain Node HTTP request: the headers and bytes as the server framed them (Playwright's client decodes gzip). */
function rawRequest(url: string, method: 'GET' | 'HEAD', headers: Record<string, string>): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Full answers carry Content-Length equal to the bytes sent and no chunking; the gzip and plain bodies have different
 * strong ETags; each revalidates with its own ETag (304), HEAD answers the same headers without a body; the plain
 * ETag presented with gzip accepted gets the gzip body, not a 304 naming bytes the client does not hold.
 */
async function expectFraming(url: string): Promise<{ gzipEtag: string; plainEtag: string; text: string }> {
  const gzipped = await rawRequest(url, 'GET', { 'accept-encoding': 'gzip' });
  expect(gzipped.status).toBe(200);
  expect(gzipped.headers['content-encoding']).toBe('gzip');
  expect(gzipped.headers['transfer-encoding']).toBeUndefined();
  expect(gzipped.headers['content-length']).toBe(String(gzipped.body.length));
  expect(gzipped.headers.vary).toMatch(/Accept-Encoding/i);
  const text = gunzipSync(gzipped.body).toString('utf8');
  expect(text).toMatch(/^BEGIN:VCALENDAR\r\n/);

  const plain = await rawRequest(url, 'GET', { 'accept-encoding': 'identity' });
  expect(plain.status).toBe(200);
  expect(plain.headers['content-encoding']).toBeUndefined();
  expect(plain.headers['transfer-encoding']).toBeUndefined();
  expect(plain.headers['content-length']).toBe(String(plain.body.length));
  expect(plain.body.toString('utf8')).toBe(text);

  const gzipEtag = gzipped.headers.etag!;
  const plainEtag = plain.headers.etag!;
  expect(gzipEtag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
  expect(plainEtag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
  expect(gzipEtag).not.toBe(plainEtag);

  const head = await rawRequest(url, 'HEAD', { 'accept-encoding': 'gzip' });
  expect(head.status).toBe(200);
  expect(head.body.length).toBe(0);
  expect(head.headers.etag).toBe(gzipEtag);
  expect(head.headers['content-length']).toBe(String(gzipped.body.length));
  expect(head.headers['content-encoding']).toBe('gzip');

  const cross = await rawRequest(url, 'GET', { 'accept-encoding': 'gzip', 'if-none-match': plainEtag });
  expect(cross.status).toBe(200);
  expect(cross.headers.etag).toBe(gzipEtag);
  return { gzipEtag, plainEtag, text };
}

async function expectNotModified(url: string, etags: { gzipEtag: string; plainEtag: string }, when: string) {
  for (const [encoding, etag] of [['gzip', etags.gzipEtag], ['identity', etags.plainEtag]] as const) {
    for (const method of ['GET', 'HEAD'] as const) {
      const again = await rawRequest(url, method, { 'accept-encoding': encoding, 'if-none-match': etag });
      expect(again.status, `${when}: ${method} ${encoding}`).toBe(304);
      expect(again.headers.etag, `${when}: ${method} ${encoding}`).toBe(etag);
      expect(again.body.length).toBe(0);
    }
  }
}

test('an unchanged feed answers 304 across a recompute of its forecast, gzipped or not, with Content-Length on full answers', async ({ baseURL, feeds }) => {
  const context = await playwrightRequest.newContext({ baseURL });
  try {
    const nurse = await sessionCookie(context, baseURL!, 'nurse');
    const headers = { cookie: nurse, origin: baseURL! };
    // A pump that raises an alert a nurse may snooze: snoozing recomputes its stored forecast (not its dates).
    const worklist = await context.get('/api/v1/worklist?pageSize=100', { headers });
    expect(worklist.status()).toBe(200);
    const { rows } = (await worklist.json()) as { rows: { pumpId: number; patientId: number; alerts: { code: string; acknowledged: boolean }[] }[] };
    const row = rows.find((r) => r.alerts.some((a) => a.code === 'E3' && !a.acknowledged));
    if (!row) throw new Error('The demo clinic has no pump raising E3 (no appointment booked)');
    const status = (await (await context.get(`/api/v1/patients/${row.patientId}/feed`, { headers })).json()) as { tokenId: number | null };
    const issued = await context.post(`/api/v1/patients/${row.patientId}/feed`, { headers, data: { replaces: status.tokenId } });
    expect(issued.status()).toBe(201);
    feeds.revokeAfter(row.patientId, 'nurse');
    const url = ((await issued.json()) as { link: { url: string } }).link.url;

    // The nurse's staff feed, through the same server.
    const mine = (await (await context.get('/api/v1/me/feed', { headers })).json()) as { tokenId: number | null };
    const staffIssued = await context.post('/api/v1/me/feed', { headers, data: { replaces: mine.tokenId } });
    expect(staffIssued.status()).toBe(201);
    feeds.revokeAfter('me', 'nurse');
    const staffUrl = ((await staffIssued.json()) as { link: { url: string } }).link.url;

    const patientEtags = await expectFraming(url);
    const staffEtags = await expectFraming(staffUrl);
    await expectNotModified(url, patientEtags, 'before the recompute');

    const snooze = await context.post(`/api/v1/pumps/${row.pumpId}/alerts`, {
      headers,
      data: { code: 'E3', action: 'snooze', snoozeDays: 1, reason: 'e2e: recompute without a change' },
    });
    expect(snooze.status()).toBe(201);

    await expectNotModified(url, patientEtags, 'after the recompute');
    await expectNotModified(staffUrl, staffEtags, 'after the recompute');
  } finally {
    await context.dispose();
  }
});
