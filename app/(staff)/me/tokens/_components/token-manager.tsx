'use client';

import { formatInstant } from '@/lib/format';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, fetchJson } from '@/lib/query/client';
import { queryKeys } from '@/lib/query/keys';

interface TokenRow {
  id: number;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}
const key = queryKeys.me.tokens;


export function TokenManager({ initial, timeZone }: { initial: TokenRow[]; timeZone: string }) {
  // In the clinic's zone and format, as every page writes an instant (was the browser's locale).
  const when = (ms: number | null) => (ms ? formatInstant(ms, timeZone) : '—');
  const client = useQueryClient();
  const { data } = useQuery({ queryKey: key, queryFn: async () => (await fetchJson<{ tokens: TokenRow[] }>('/api/v1/me/tokens')).tokens, initialData: initial });
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (name: string) => fetchJson<{ token: string }>('/api/v1/me/tokens', { method: 'POST', body: JSON.stringify({ name }) }),
    onSuccess: async (r) => {
      setCreated(r.token);
      setError(null);
      await client.invalidateQueries({ queryKey: key });
    },
    onError: (e) => setError(e instanceof ApiError ? (e.fields.name ? `Name ${e.fields.name}` : e.message) : 'Could not create the token.'),
  });
  const revoke = useMutation({
    mutationFn: (id: number) => fetchJson(`/api/v1/me/tokens/${id}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
  });
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = new FormData(event.currentTarget).get('name');
    create.mutate(typeof name === 'string' ? name : '');
  }
  return (
    <div className="stack">
      {created && (
        <div className="notice warn" role="status">
          <p>Copy this token now; it will not be shown again:</p>
          <code data-testid="new-token">{created}</code>
        </div>
      )}
      <form className="filters" onSubmit={onSubmit}>
        <label>
          Token name
          <input name="name" required maxLength={80} placeholder="e.g. EHR integration" />
        </label>
        <button type="submit" disabled={create.isPending}>
          Create token
        </button>
        {error && (
          <span role="alert" className="error">
            {error}
          </span>
        )}
      </form>
      <div className="table-wrap">
        <table>
          <caption className="sr-only">Your API tokens</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {data.map((t) => (
              <tr key={t.id}>
                <td>{t.name}</td>
                <td>{when(t.createdAt)}</td>
                <td>{when(t.lastUsedAt)}</td>
                <td>
                  {t.revokedAt ? (
                    `Revoked ${when(t.revokedAt)}`
                  ) : (
                    <button type="button" className="secondary small" onClick={() => revoke.mutate(t.id)}>
                      Revoke {t.name}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
