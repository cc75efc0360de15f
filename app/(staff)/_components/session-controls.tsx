'use client';

import { useEffect } from 'react';

async function signOut(reason?: string) {
  await fetch('/api/auth/sign-out', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }).catch(() => undefined);
  window.location.assign(reason ? `/sign-in?reason=${reason}` : '/sign-in');
}

export function SignOutButton() {
  return (
    <button type="button" className="secondary small" onClick={() => void signOut()}>
      Sign out
    </button>
  );
}

/** Signs out after the clinic's idle limit with no keyboard, pointer or touch input (the server enforces it too). */
export function IdleSignOut({ minutes }: { minutes: number }) {
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    const reset = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void signOut('idle'), minutes * 60_000);
    };
    const events = ['keydown', 'pointerdown', 'touchstart', 'wheel'] as const;
    events.forEach((e) => window.addEventListener(e, reset, { passive: true }));
    reset();
    return () => {
      clearTimeout(timer);
      events.forEach((e) => window.removeEventListener(e, reset));
    };
  }, [minutes]);
  return null;
}
