// @vitest-environment jsdom
/** The staff page's forms: the Add form empties after a save; a role change is confirmed and can be undone. */
import '@testing-library/jest-dom/vitest';
import { QueryClientProvider } from '@tanstack/react-query';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeQueryClient } from '@/lib/query/client';
import { StaffManager } from './staff-manager';

const nurse = {
  id: 'u-nurse',
  name: 'Nina Nurse',
  email: 'nina@example.org',
  role: 'nurse' as const,
  banned: false,
  locked: false,
  mustReplaceTemporary: false,
  twoFactorEnabled: false,
  updatedAt: 1000,
};
const me = { ...nurse, id: 'u-admin', name: 'Ann Admin', email: 'ann@example.org', role: 'admin' as const };

let fetchMock: ReturnType<typeof vi.fn>;
let rows = [me, nurse];
const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

beforeEach(() => {
  rows = [me, nurse];
  fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
    if (init?.method === 'POST') return json({ id: 'u-new' }, 201);
    if (init?.method === 'PATCH') {
      const body = JSON.parse(init.body as string) as { role: typeof nurse.role };
      rows = rows.map((r) => (url.endsWith(r.id) ? { ...r, role: body.role, updatedAt: r.updatedAt + 1 } : r));
      return json({});
    }
    return json({ staff: rows });
  });
  vi.stubGlobal('fetch', fetchMock);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderManager() {
  const user = userEvent.setup();
  render(
    <QueryClientProvider client={makeQueryClient()}>
      <StaffManager initial={rows} myId={me.id} />
    </QueryClientProvider>,
  );
  return user;
}

const patches = () => fetchMock.mock.calls.filter(([, init]) => (init as RequestInit | undefined)?.method === 'PATCH');

describe('the staff page (issue 18)', () => {
  it('empties the Add form after the account is created', async () => {
    const user = renderManager();
    await user.type(screen.getByLabelText('Full name'), 'Pat Physician');
    await user.type(screen.getByLabelText('Email'), 'pat@example.org');
    await user.selectOptions(screen.getByLabelText('Role'), 'physician');
    await user.type(screen.getByLabelText(/Temporary password/), 'correct horse battery staple');
    await user.click(screen.getByRole('button', { name: 'Add staff member' }));
    expect(await screen.findByText(/Account created/)).toBeInTheDocument();
    expect(screen.getByLabelText('Full name')).toHaveValue('');
    expect(screen.getByLabelText('Email')).toHaveValue('');
    expect(screen.getByLabelText(/Temporary password/)).toHaveValue('');
    expect(screen.getByLabelText('Role')).toHaveValue('nurse');
  });

  it('asks to confirm a role change before saving it, and can undo it', async () => {
    const user = renderManager();
    await user.selectOptions(screen.getByLabelText('Role of Nina Nurse'), 'physician');
    expect(patches()).toHaveLength(0);
    // Keeping the old role saves nothing.
    await user.click(screen.getByRole('button', { name: 'Keep nurse' }));
    expect(screen.getByLabelText('Role of Nina Nurse')).toHaveValue('nurse');
    expect(patches()).toHaveLength(0);

    await user.selectOptions(screen.getByLabelText('Role of Nina Nurse'), 'physician');
    const confirm = screen.getByRole('group', { name: 'Confirm the new role of Nina Nurse' });
    await user.click(within(confirm).getByRole('button', { name: 'Make Nina Nurse physician' }));
    expect(await screen.findByText('Role of Nina Nurse changed from nurse to physician.')).toBeInTheDocument();
    expect(JSON.parse((patches()[0]![1] as RequestInit).body as string)).toEqual({ role: 'physician', expectedUpdatedAt: 1000 });

    await user.click(await screen.findByRole('button', { name: 'Undo: make Nina Nurse nurse again' }));
    expect(await screen.findByText('Role of Nina Nurse is nurse again.')).toBeInTheDocument();
    expect(JSON.parse((patches()[1]![1] as RequestInit).body as string)).toEqual({ role: 'nurse', expectedUpdatedAt: 1001 });
  });
});
