'use client';

import { useState, type FormEvent } from 'react';
import { ApiError, fetchJson } from '@/lib/query/client';

function text(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
}

export function PasswordForm({ after }: { after: string }) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const newPassword = text(form, 'newPassword');
    if (newPassword !== text(form, 'confirmPassword')) {
      setErrors({ confirmPassword: 'does not match the new password' });
      return;
    }
    setPending(true);
    setErrors({});
    try {
      await fetchJson('/api/v1/me/password', { method: 'POST', body: JSON.stringify({ currentPassword: text(form, 'currentPassword'), newPassword }) });
      // A full load: the header and every page read the account afresh.
      window.location.assign(after);
    } catch (e) {
      setErrors(e instanceof ApiError ? { ...e.fields, _: e.message } : { _: 'Could not change the password. Try again.' });
    } finally {
      setPending(false);
    }
  }

  return (
    <form className="card stack" onSubmit={(e) => void onSubmit(e)} noValidate>
      <label>
        Current password
        <input name="currentPassword" type="password" autoComplete="current-password" required aria-describedby="err-current" />
        {errors.currentPassword && (
          <span id="err-current" className="field-error">
            Current password {errors.currentPassword}
          </span>
        )}
      </label>
      <label>
        New password
        <input name="newPassword" type="password" autoComplete="new-password" required minLength={12} aria-describedby="err-new" />
        {errors.newPassword && (
          <span id="err-new" className="field-error">
            New password {errors.newPassword}
          </span>
        )}
      </label>
      <label>
        Repeat the new password
        <input name="confirmPassword" type="password" autoComplete="new-password" required aria-describedby="err-confirm" />
        {errors.confirmPassword && (
          <span id="err-confirm" className="field-error">
            Repeated password {errors.confirmPassword}
          </span>
        )}
      </label>
      {errors._ && !errors.currentPassword && !errors.newPassword && (
        <p role="alert" className="error">
          {errors._}
        </p>
      )}
      <div>
        <button type="submit" disabled={pending}>
          {pending ? 'Saving…' : 'Change password'}
        </button>
      </div>
    </form>
  );
}
