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
      // Back through this page on the server, which knows the role: to `next`, or to the role's home.
      router.replace(next ? `/sign-in?next=${encodeURIComponent(next)}` : '/sign-in');
      router.refresh();
    } catch {
      setError('The server could not be reached. Check the connection and try again.');
    } finally {
      setPending(false);
    }
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
