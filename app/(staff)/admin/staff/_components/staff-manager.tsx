'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useFormErrors } from '@/app/(staff)/_components/form-errors';
import { fetchJson } from '@/lib/query/client';
import { queryKeys } from '@/lib/query/keys';

interface StaffRow {
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'physician' | 'nurse' | 'front-desk';
  banned: boolean;
  locked: boolean;
  mustReplaceTemporary: boolean;
  twoFactorEnabled: boolean;
  updatedAt: number;
}

const roles = ['admin', 'physician', 'nurse', 'front-desk'] as const;
type Role = (typeof roles)[number];

/** How long a role change can be taken back from the message that reports it. */
const ROLE_UNDO_MS = 60_000;

interface RoleChange {
  id: string;
  name: string;
  from: Role;
  to: Role;
}
const key = queryKeys.staff;

function text(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
}

export function StaffManager({ initial, myId }: { initial: StaffRow[]; myId: string }) {
  const client = useQueryClient();
  const { data } = useQuery({
    queryKey: key,
    queryFn: async () => (await fetchJson<{ staff: (Omit<StaffRow, 'updatedAt'> & { updatedAt: string | number })[] }>('/api/v1/staff')).staff.map((u) => ({ ...u, banned: !!u.banned, updatedAt: new Date(u.updatedAt).getTime() })),
    initialData: initial,
  });
  const form = useFormErrors();
  const [message, setMessage] = useState<string | null>(null);
  const [issued, setIssued] = useState<{ name: string; password: string } | null>(null);
  /** A role picked in a row's list, waiting for the admin to confirm it. */
  const [proposed, setProposed] = useState<RoleChange | null>(null);
  /** The last role change made here, which can be undone for a minute. */
  const [changed, setChanged] = useState<RoleChange | null>(null);
  useEffect(() => {
    if (!changed) return;
    const timer = setTimeout(() => setChanged(null), ROLE_UNDO_MS);
    return () => clearTimeout(timer);
  }, [changed]);

  const create = useMutation({
    mutationFn: (body: Record<string, string>) => fetchJson('/api/v1/staff', { method: 'POST', body: JSON.stringify(body) }),
    onSuccess: async () => {
      form.clear();
      // The next person starts on an empty form: the last one's name, e-mail and password must not be re-sent.
      form.reset();
      setMessage('Account created. Give the person their temporary password in person; they must choose their own at first sign-in.');
      await client.invalidateQueries({ queryKey: key });
    },
    onError: (e) => {
      setMessage(null);
      form.refuseFromServer(e, 'Could not create the account.');
    },
  });
  const changeRole = useMutation({
    mutationFn: ({ change, expectedUpdatedAt }: { change: RoleChange; undo: boolean; expectedUpdatedAt: number }) =>
      fetchJson(`/api/v1/staff/${change.id}`, { method: 'PATCH', body: JSON.stringify({ role: change.to, expectedUpdatedAt }) }),
    onSuccess: async (_r, { change, undo }) => {
      setProposed(null);
      setChanged(undo ? null : change);
      setMessage(undo ? `Role of ${change.name} is ${change.to} again.` : null);
      await client.invalidateQueries({ queryKey: key });
    },
    onError: (e) => setMessage(e instanceof Error ? e.message : 'Could not change the role.'),
  });
  const update = useMutation({
    mutationFn: ({ id, ...body }: { id: string; name?: string; role?: string; disabled?: boolean; expectedUpdatedAt: number }) =>
      fetchJson(`/api/v1/staff/${id}`, { method: 'PATCH', body: JSON.stringify(body) }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
    onError: (e) => setMessage(e instanceof Error ? e.message : 'Could not save.'),
  });

  const reset = useMutation({
    mutationFn: (u: StaffRow) => fetchJson<{ temporaryPassword: string }>(`/api/v1/staff/${u.id}/password-reset`, { method: 'POST', body: JSON.stringify({ expectedUpdatedAt: u.updatedAt }) }),
    onSuccess: async (r, u) => {
      setIssued({ name: u.name, password: r.temporaryPassword });
      setMessage(null);
      await client.invalidateQueries({ queryKey: key });
    },
    onError: (e) => setMessage(e instanceof Error ? e.message : 'Could not reset the password.'),
  });
  const unlock = useMutation({
    mutationFn: (u: StaffRow) => fetchJson(`/api/v1/staff/${u.id}/unlock`, { method: 'POST', body: '{}' }),
    onSuccess: async (_r, u) => {
      setMessage(`${u.name} can sign in again.`);
      await client.invalidateQueries({ queryKey: key });
    },
    onError: (e) => setMessage(e instanceof Error ? e.message : 'Could not unlock the account.'),
  });

  const resetMfa = useMutation({
    mutationFn: (u: StaffRow) => fetchJson(`/api/v1/staff/${u.id}/mfa-reset`, { method: 'POST', body: '{}' }),
    onSuccess: async (_r, u) => {
      setMessage(`Two-step sign-in of ${u.name} was reset and their sessions ended. If their role requires it, they set it up again at their next sign-in.`);
      await client.invalidateQueries({ queryKey: key });
    },
    onError: (e) => setMessage(e instanceof Error ? e.message : 'Could not reset two-step sign-in.'),
  });

  function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({ name: text(form, 'name'), email: text(form, 'email'), role: text(form, 'role'), password: text(form, 'password') });
  }

  return (
    <div className="stack">
      {issued && (
        <p role="status" className="notice">
          Temporary password for {issued.name}: <code>{issued.password}</code>. It is shown only now. Give it to them in person; they must
          choose their own when they sign in.
        </p>
      )}
      {message && (
        <p role="status" className="notice">
          {message}
        </p>
      )}
      {changed && (
        <p role="status" className="notice">
          Role of {changed.name} changed from {changed.from} to {changed.to}.{' '}
          <button
            type="button"
            className="secondary small"
            disabled={changeRole.isPending}
            onClick={() => {
              const row = data.find((u) => u.id === changed.id);
              if (row)
                changeRole.mutate({
                  change: { ...changed, from: changed.to, to: changed.from },
                  undo: true,
                  expectedUpdatedAt: row.updatedAt,
                });
            }}
          >
            Undo: make {changed.name} {changed.from} again
          </button>
        </p>
      )}
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Staff accounts</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {data.map((u) => (
              <tr key={u.id}>
                <td>
                  {/* Names change only here, audited: staff cannot rename themselves (issue 14, item 5). */}
                  <form
                    className="inline-form"
                    onSubmit={(e) => {
                      e.preventDefault();
                      const name = text(new FormData(e.currentTarget), 'name').trim();
                      if (name && name !== u.name) update.mutate({ id: u.id, name, expectedUpdatedAt: u.updatedAt });
                    }}
                  >
                    <label className="sr-only" htmlFor={`name-${u.id}`}>
                      Name of {u.name}
                    </label>
                    <input id={`name-${u.id}`} name="name" defaultValue={u.name} key={`${u.id}-${u.updatedAt}`} minLength={2} maxLength={120} />
                    <button type="submit" className="secondary small" disabled={update.isPending}>
                      Rename {u.name}
                    </button>
                  </form>
                </td>
                <td>{u.email}</td>
                <td>
                  <label className="sr-only" htmlFor={`role-${u.id}`}>
                    Role of {u.name}
                  </label>
                  <select
                    id={`role-${u.id}`}
                    value={proposed?.id === u.id ? proposed.to : u.role}
                    disabled={u.id === myId || changeRole.isPending}
                    onChange={(e) => {
                      const to = e.target.value as Role;
                      setProposed(to === u.role ? null : { id: u.id, name: u.name, from: u.role, to });
                    }}
                  >
                    {roles.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                  {/* A role decides what someone may see and change: it is confirmed, not saved on a slip of the list. */}
                  {proposed?.id === u.id && (
                    <div className="pt-buttons" role="group" aria-label={`Confirm the new role of ${u.name}`}>
                      <button
                        type="button"
                        className="small"
                        disabled={changeRole.isPending}
                        onClick={() => changeRole.mutate({ change: proposed, undo: false, expectedUpdatedAt: u.updatedAt })}
                      >
                        Make {u.name} {proposed.to}
                      </button>
                      <button type="button" className="secondary small" onClick={() => setProposed(null)}>
                        Keep {proposed.from}
                      </button>
                    </div>
                  )}
                </td>
                <td>
                  {u.banned ? 'Disabled ' : 'Active '}
                  {u.locked && 'Locked out '}
                  {u.mustReplaceTemporary && '(temporary password) '}
                  {u.twoFactorEnabled && '(two-step sign-in) '}
                  {u.id !== myId && (
                    <button type="button" className="secondary small" disabled={update.isPending} onClick={() => update.mutate({ id: u.id, disabled: !u.banned, expectedUpdatedAt: u.updatedAt })}>
                      {u.banned ? `Enable ${u.name}` : `Disable ${u.name}`}
                    </button>
                  )}
                  {u.id !== myId && (
                    <button type="button" className="secondary small" disabled={reset.isPending} onClick={() => reset.mutate(u)}>
                      Reset password of {u.name}
                    </button>
                  )}
                  {u.id !== myId && u.twoFactorEnabled && (
                    <button type="button" className="secondary small" disabled={resetMfa.isPending} onClick={() => resetMfa.mutate(u)}>
                      Reset two-step sign-in of {u.name}
                    </button>
                  )}
                  {u.locked && (
                    <button type="button" className="secondary small" disabled={unlock.isPending} onClick={() => unlock.mutate(u)}>
                      Unlock {u.name}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <form id={form.formId} className="card stack" onSubmit={onCreate} noValidate>
        <h2>Add a staff member</h2>
        <div className="grid-2">
          <label>
            Full name
            <input name="name" required {...form.control('name')} />
            {form.message('name', 'Name')}
          </label>
          <label>
            Email
            <input name="email" type="email" required {...form.control('email')} />
            {form.message('email', 'Email')}
          </label>
          <label>
            Role
            <select name="role" defaultValue="nurse" {...form.control('role')}>
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            {form.message('role', 'Role')}
          </label>
          <label>
            Temporary password (12+ characters, not easy to guess; they change it at first sign-in)
            <input name="password" type="password" autoComplete="new-password" required {...form.control('password')} />
            {form.message('password', 'Password')}
          </label>
        </div>
        {form.generalAlert()}
        <div>
          <button type="submit" disabled={create.isPending}>
            Add staff member
          </button>
        </div>
      </form>
    </div>
  );
}
