'use client';

import { useState, type FormEvent } from 'react';
import { useFormErrors } from '@/app/(staff)/_components/form-errors';
import { fetchJson } from '@/lib/query/client';

function text(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
}

export function PasswordForm({ after }: { after: string }) {
  const form = useFormErrors();
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const newPassword = text(data, 'newPassword');
    if (newPassword !== text(data, 'confirmPassword')) {
      form.refuse({ confirmPassword: 'does not match the new password' });
      return;
    }
    setPending(true);
    form.clear();
    try {
      await fetchJson('/api/v1/me/password', { method: 'POST', body: JSON.stringify({ currentPassword: text(data, 'currentPassword'), newPassword }) });
      // A full load: the header and every page read the account afresh.
      window.location.assign(after);
    } catch (e) {
      form.refuseFromServer(e, 'Could not change the password. Try again.');
    } finally {
      setPending(false);
    }
  }

  return (
    <form id={form.formId} className="card stack" onSubmit={(e) => void onSubmit(e)} noValidate>
      <label>
        Current password
        <input name="currentPassword" type="password" autoComplete="current-password" required {...form.control('currentPassword')} />
        {form.message('currentPassword', 'Current password')}
      </label>
      <label>
        New password
        <input name="newPassword" type="password" autoComplete="new-password" required minLength={12} {...form.control('newPassword')} />
        {form.message('newPassword', 'New password')}
      </label>
      <label>
        Repeat the new password
        <input name="confirmPassword" type="password" autoComplete="new-password" required {...form.control('confirmPassword')} />
        {form.message('confirmPassword', 'Repeated password')}
      </label>
      {form.generalAlert()}
      <div>
        <button type="submit" disabled={pending}>
          {pending ? 'Saving…' : 'Change password'}
        </button>
      </div>
    </form>
  );
}
