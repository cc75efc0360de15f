'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';

function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

export function SignInForm({ next }: { next: string | null }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  // After a right password, an account with two-step sign-in is asked for its code (better-auth's twoFactor).
  const [secondFactor, setSecondFactor] = useState<'totp' | 'recovery-code' | null>(null);

  function signedIn() {
    // Back through this page on the server, which knows the role: to `next`, or to the role's home.
    router.replace(next ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in');
    router.refresh();
  }

  async function onCode(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const path = secondFactor === 'recovery-code' ? '/api/auth/two-factor/verify-backup-code' : '/api/auth/two-factor/verify-totp';
      const code = formText(form, 'code').replace(/\s+/g, '');
      const response = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }) });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
        if (body.code === 'INVALID_TWO_FACTOR_COOKIE' || body.code === 'TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE') {
          setSecondFactor(null);
          setError('Too many tries or the sign-in timed out. Sign in with your password again.');
        } else if (response.status === 429) {
          setError(body.message ?? 'Too many wrong codes. Try again later.');
        } else {
          setError(secondFactor === 'recovery-code' ? 'That recovery code is not valid (each works once).' : 'That code is not right. Type the 6 digits the app shows now.');
        }
        return;
      }
      signedIn();
    } catch {
      setError('The server could not be reached. Check the connection and try again.');
    } finally {
      setPending(false);
    }
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const response = await fetch('/api/auth/sign-in/email', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: formText(form, 'email').trim().toLowerCase(), password: formText(form, 'password') }),
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { message?: string };
        setError(
          response.status === 429 || response.status === 503
            ? (body.message ?? 'Sign-in is not possible right now. Try again later.')
            : 'Invalid email or password.',
        );
        return;
      }
      const body = (await response.json().catch(() => ({}))) as { twoFactorRedirect?: boolean };
      if (body.twoFactorRedirect) {
        setSecondFactor('totp');
        return;
      }
      signedIn();
    } catch {
      setError('The server could not be reached. Check the connection and try again.');
    } finally {
      setPending(false);
    }
  }

  if (secondFactor) {
    const recovery = secondFactor === 'recovery-code';
    return (
      <form onSubmit={(e) => void onCode(e)} className="stack" noValidate key={secondFactor}>
        <label>
          {recovery ? 'Recovery code' : 'Code from your authenticator app'}
          <input
            name="code"
            autoComplete="one-time-code"
            inputMode={recovery ? 'text' : 'numeric'}
            required
            autoFocus
            maxLength={recovery ? 24 : 7}
          />
        </label>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <button type="submit" disabled={pending}>
          {pending ? 'Checking…' : 'Verify'}
        </button>
        <button type="button" className="secondary" onClick={() => { setError(null); setSecondFactor(recovery ? 'totp' : 'recovery-code'); }}>
          {recovery ? 'Use the authenticator app instead' : 'Use a recovery code instead'}
        </button>
      </form>
    );
  }

  return (
    <form onSubmit={onSubmit} className="stack" noValidate>
      <label>
        Email
        <input name="email" type="email" autoComplete="username" required />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
