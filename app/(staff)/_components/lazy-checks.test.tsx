// @vitest-environment jsdom
/**
 * The patient page's forms load their zod checks when opened (lazy-checks.ts): loaded once, fetched again after a
 * failure, not fetched while the form is closed, and a form refused by them still names the field. A failed load
 * says so rather than saving unchecked or doing nothing.
 */
import '@testing-library/jest-dom/vitest';
import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, renderHook, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DateOrderProvider } from '@/app/(staff)/_components/date-order';
import { makeQueryClient } from '@/lib/query/client';
import { ContactAttemptForm } from '@/app/(staff)/patients/[id]/_components/contact-attempt-form';
import { useFormErrors } from './form-errors';
import { CHECKS_UNAVAILABLE, lazyModule, useLazyChecks } from './lazy-checks';

vi.mock('next/navigation', () => ({ useRouter: () => ({ refresh: vi.fn() }) }));

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('lazyModule', () => {
  it('imports the module once however many forms ask for it', async () => {
    const importer = vi.fn(async () => ({ answer: 42 }));
    const checks = lazyModule(importer);
    const [a, b] = await Promise.all([checks.load(), checks.load()]);
    expect(await checks.load()).toBe(a);
    expect(b).toBe(a);
    expect(importer).toHaveBeenCalledTimes(1);
  });

  it('tries again after a failed import instead of keeping the failure', async () => {
    const importer = vi.fn().mockRejectedValueOnce(new Error('offline')).mockResolvedValue({ answer: 42 });
    const checks = lazyModule(importer as () => Promise<{ answer: number }>);
    await expect(checks.load()).rejects.toThrow('offline');
    await expect(checks.load()).resolves.toEqual({ answer: 42 });
    expect(importer).toHaveBeenCalledTimes(2);
  });
});

describe('useLazyChecks', () => {
  it('fetches nothing while the form is closed and starts as soon as it opens', async () => {
    const importer = vi.fn(async () => ({}));
    const checks = lazyModule(importer);
    const { rerender } = renderHook(({ open }) => useLazyChecks(checks, open), { initialProps: { open: false } });
    expect(importer).not.toHaveBeenCalled();
    rerender({ open: true });
    await waitFor(() => expect(importer).toHaveBeenCalledTimes(1));
  });
});

function renderContactForm() {
  const user = userEvent.setup();
  render(
    <QueryClientProvider client={makeQueryClient()}>
      <DateOrderProvider order="m/d/y">
        <ContactAttemptForm patientId={7} today="2026-12-07" assignees={[{ id: 'u1', name: 'Nurse One' }]} me="u1" />
      </DateOrderProvider>
    </QueryClientProvider>,
  );
  return user;
}

describe('a form with lazily loaded checks (the contact attempt)', () => {
  it('names the missing field on submit and sends nothing', async () => {
    const fetchMock = vi.fn();
    vi.stubGlobal('fetch', fetchMock);
    const user = renderContactForm();
    await user.click(screen.getByRole('button', { name: 'Log contact attempt' }));
    await user.click(screen.getByRole('button', { name: 'Save attempt' }));
    const outcome = screen.getByLabelText(/Outcome/);
    await waitFor(() => expect(outcome).toHaveAttribute('aria-invalid', 'true'));
    expect(outcome).toHaveAccessibleDescription(/Outcome must be one of/);
    expect(outcome).toHaveFocus();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('sends what the schema parsed once the entry is valid', async () => {
    const fetchMock = vi.fn(async () => new Response('{}', { status: 201, headers: { 'content-type': 'application/json' } }));
    vi.stubGlobal('fetch', fetchMock);
    const user = renderContactForm();
    await user.click(screen.getByRole('button', { name: 'Log contact attempt' }));
    await user.selectOptions(screen.getByLabelText(/Outcome/), 'voicemail');
    await user.type(screen.getByLabelText(/Note/), '  left a message  ');
    await user.click(screen.getByRole('button', { name: 'Save attempt' }));
    await waitFor(() => expect(fetchMock).toHaveBeenCalledTimes(1));
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/patients/7/contacts');
    // Trimmed by the schema: the body is the parsed value, not the raw entry.
    expect(JSON.parse(init.body as string)).toEqual({ outcome: 'voicemail', note: 'left a message', followUp: null });
  });
});

const offline = lazyModule<{ schema: never }>(() => Promise.reject(new TypeError('Failed to fetch dynamically imported module')));

/** A form built as the patient page's are, whose checks cannot be fetched. */
function OfflineForm({ onSend }: { onSend: () => void }) {
  const form = useFormErrors();
  const loadChecks = useLazyChecks(offline);
  return (
    <form
      id={form.formId}
      onSubmit={(e) => {
        e.preventDefault();
        loadChecks()
          .then(({ schema }) => form.parse(schema, {}) && onSend())
          .catch((error: unknown) => form.refuseFromServer(error, CHECKS_UNAVAILABLE));
      }}
    >
      {form.generalAlert()}
      <button type="submit">Save</button>
    </form>
  );
}

describe('checks that cannot be fetched', () => {
  it('refuse the save with a message to try again, and send nothing', async () => {
    const onSend = vi.fn();
    const user = userEvent.setup();
    render(<OfflineForm onSend={onSend} />);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(CHECKS_UNAVAILABLE);
    expect(onSend).not.toHaveBeenCalled();
  });
});
