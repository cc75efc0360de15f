/**
 * Reminders on the patient page: without SMTP_URL the page says reminders are not configured (the e2e server
 * has none), and a nurse records the patient's e-mail and consent, with its date. The fixture withdraws the
 * consent and clears the address afterwards, so later specs see the demo record as it was.
 */
import { expect, findSubject, sessionCookie, signIn, test as base, type Subject } from './fixtures';

const test = base.extend<{ subject: Subject }>({
  subject: async ({ playwright, baseURL }, provide) => {
    const api = await playwright.request.newContext({ baseURL });
    const cookie = await sessionCookie(api, baseURL!, 'nurse');
    const subject = await findSubject(api, 'Rahman', cookie);
    await provide(subject);
    const url = `/api/v1/patients/${subject.patientId}/reminders`;
    const { contact } = (await (await api.get(url, { headers: { cookie } })).json()) as { contact: { version: number } };
    const reset = await api.patch(url, { headers: { cookie, origin: baseURL! }, data: { version: contact.version, email: '', emailConsent: false, smsConsent: false } });
    expect(reset.status()).toBe(200);
    await api.dispose();
  },
});

test('a nurse records reminder consent; the page says reminders are not configured on this server', async ({ page, subject }) => {
  await signIn(page, 'nurse');
  await page.goto(`/patients/${subject.patientId}`);
  const panel = page.getByRole('region', { name: 'Reminders' });
  await expect(panel.getByText('Reminders are not configured on this server')).toBeVisible();
  await expect(panel.getByText('No reminders yet.')).toBeVisible();

  await panel.getByRole('button', { name: 'Record reminder consent' }).click();
  const form = panel.getByRole('form', { name: 'Reminder consent' });
  await form.getByLabel('Reminder e-mail').fill('not an address');
  await form.getByLabel(/consents to e-mail reminders/).check();
  await form.getByRole('button', { name: 'Save consent' }).click();
  await expect(form.getByText('E-mail must be an address such as name@example.org')).toBeVisible();

  await form.getByLabel('Reminder e-mail').fill('aisha.rahman@example.org');
  await form.getByRole('button', { name: 'Save consent' }).click();
  await expect(panel.getByText(/aisha\.rahman@example\.org · consent given \w{3} \d{1,2} \w{3} \d{4}/)).toBeVisible();
  await expect(panel.getByText('Nora Nurse, RN')).toBeVisible();
});
