'use client';

import { useEffect, useRef, useState } from 'react';
import { clockNow } from '@/lib/clock';
import { clearAllDrafts } from './draft-storage';

/**
 * A full page load, on purpose (not the router): after a sign-out nothing of this session (query cache, React
 * state) may stay in the tab.
 */
function loadPage(path: string) {
  window.location.assign(path);
}

async function endSession() {
  await fetch('/api/auth/sign-out', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }).catch(() => undefined);
}

export function SignOutButton() {
  return (
    <button
      type="button"
      className="secondary small"
      onClick={() =>
        void endSession().then(() => {
          // Signing out by hand: nothing typed stays in this tab for the next person.
          clearAllDrafts(window.sessionStorage);
          loadPage('/sign-in');
        })
      }
    >
      Sign out
    </button>
  );
}

/** How long before the idle sign-out the warning shows: two minutes, or half a very short limit. */
export function warningLeadMs(idleMs: number): number {
  return Math.min(120_000, Math.floor(idleMs / 2));
}

/** Typing counts as activity on the server too, but one request a minute is enough for that. */
const KEEP_ALIVE_EVERY_MS = 60_000;

/**
 * Signs out after the clinic's idle limit with no keyboard, pointer or touch input (the server enforces it too),
 * with a warning and "Stay signed in" before (issue 14, item 10). The sign-in page then says why and returns to
 * this page, where a half-filled refill form is restored from this tab's sessionStorage (draft-storage.ts).
 */
export function IdleSignOut({ minutes }: { minutes: number }) {
  const [secondsLeft, setSecondsLeft] = useState<number | null>(null);
  const resetRef = useRef<() => void>(() => undefined);

  useEffect(() => {
    const idleMs = minutes * 60_000;
    const leadMs = warningLeadMs(idleMs);
    let warnTimer: ReturnType<typeof setTimeout>;
    let outTimer: ReturnType<typeof setTimeout>;
    let tick: ReturnType<typeof setInterval> | undefined;
    let deadline = 0;
    let lastPing = clockNow();

    const keepAlive = () => {
      lastPing = clockNow();
      void fetch('/api/v1/me/session', { cache: 'no-store' }).catch(() => undefined);
    };
    const stopTick = () => {
      if (tick) clearInterval(tick);
      tick = undefined;
    };
    const signOut = () => {
      stopTick();
      const back = `${window.location.pathname}${window.location.search}`;
      void endSession().then(() => loadPage(`/sign-in?reason=idle&next=${encodeURIComponent(back)}`));
    };
    const warn = () => {
      setSecondsLeft(Math.max(0, Math.round((deadline - clockNow()) / 1000)));
      tick = setInterval(() => setSecondsLeft(Math.max(0, Math.round((deadline - clockNow()) / 1000))), 1000);
    };
    const reset = () => {
      clearTimeout(warnTimer);
      clearTimeout(outTimer);
      stopTick();
      setSecondsLeft(null);
      deadline = clockNow() + idleMs;
      warnTimer = setTimeout(warn, idleMs - leadMs);
      outTimer = setTimeout(signOut, idleMs);
    };
    const onInput = () => {
      reset();
      if (clockNow() - lastPing >= KEEP_ALIVE_EVERY_MS) keepAlive();
    };
    resetRef.current = () => {
      reset();
      keepAlive();
    };
    const events = ['keydown', 'pointerdown', 'touchstart', 'wheel'] as const;
    events.forEach((e) => window.addEventListener(e, onInput, { passive: true }));
    reset();
    return () => {
      clearTimeout(warnTimer);
      clearTimeout(outTimer);
      stopTick();
      events.forEach((e) => window.removeEventListener(e, onInput));
    };
  }, [minutes]);

  if (secondsLeft === null) return null;
  const m = Math.floor(secondsLeft / 60);
  const s = secondsLeft % 60;
  return (
    <div role="alertdialog" aria-modal="false" aria-labelledby="idle-title" aria-describedby="idle-text" className="notice warn idle-warning">
      <strong id="idle-title">You will be signed out soon</strong>
      <p id="idle-text">
        No input for a while: you will be signed out in {m > 0 ? `${m} min ` : ''}
        {s} s. What you typed in a refill form is kept in this tab and restored when you sign in again.
      </p>
      <button type="button" onClick={() => resetRef.current()}>
        Stay signed in
      </button>
    </div>
  );
}
