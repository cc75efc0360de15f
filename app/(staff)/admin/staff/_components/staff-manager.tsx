'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, fetchJson } from '@/lib/query/client';
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
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [issued, setIssued] = useState<{ name: string; password: string } | null>(null);

  const create = useMutation({
    mutationFn: (body: Record<string, string>) => fetchJson('/api/v1/staff', { method: 'POST', body: JSON.stringify(body) }),
    onSuccess: async () => {
      setFieldErrors({});
      setMessage('Account created. Give the person their temporary password in person; they must choose their own at first sign-in.');
      await client.invalidateQueries({ queryKey: key });
    },
    onError: (e) => {
      setMessage(null);
      setFieldErrors(e instanceof ApiError ? { ...e.fields, _: e.message } : { _: 'Could not create the account.' });
    },
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
                  <select id={`role-${u.id}`} value={u.role} disabled={u.id === myId || update.isPending} onChange={(e) => update.mutate({ id: u.id, role: e.target.value, expectedUpdatedAt: u.updatedAt })}>
                    {roles.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
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

      <form className="card stack" onSubmit={onCreate} noValidate>
        <h2>Add a staff member</h2>
        <div className="grid-2">
          <label>
            Full name
            <input name="name" required aria-describedby="err-name" />
            {fieldErrors.name && <span id="err-name" className="field-error">Name {fieldErrors.name}</span>}
          </label>
          <label>
            Email
            <input name="email" type="email" required aria-describedby="err-email" />
            {fieldErrors.email && <span id="err-email" className="field-error">Email {fieldErrors.email}</span>}
          </label>
          <label>
            Role
            <select name="role" defaultValue="nurse">
              {roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <label>
            Temporary password (12+ characters, not easy to guess; they change it at first sign-in)
            <input name="password" type="password" autoComplete="new-password" required aria-describedby="err-password" />
            {fieldErrors.password && <span id="err-password" className="field-error">Password {fieldErrors.password}</span>}
          </label>
        </div>
        {fieldErrors._ && (
          <p role="alert" className="error">
            {fieldErrors._}
          </p>
        )}
        <div>
          <button type="submit" disabled={create.isPending}>
            Add staff member
          </button>
        </div>
      </form>
    </div>
  );
}
