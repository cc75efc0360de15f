'use client';

/**
 * The print handout's link and QR code. The token cannot be recovered from its stored hash, so the patient panel
 * hands the freshly issued link over in sessionStorage: same tab only, never in a URL (no server log, history
 * entry or Referer carries it), gone when the tab closes, and refused here after 30 minutes or for another patient.
 */
import Link from 'next/link';
import { useMemo, useSyncExternalStore, type ReactNode } from 'react';
import { handoffSchema, type FeedLink } from '@/lib/validation/feeds';
import { FEED_HANDOFF_KEY, FEED_HANDOFF_MAX_AGE_MS } from '@/lib/validation/limits';
import { clockNow } from '@/lib/clock';

type State = { kind: 'loading' } | { kind: 'missing' } | { kind: 'ready'; link: FeedLink };

/** The stored hand-off while it is fresh (a string, so React sees a stable snapshot), else null. */
function freshHandoff(): string | null {
  try {
    const raw = sessionStorage.getItem(FEED_HANDOFF_KEY);
    const issuedAt = raw ? (JSON.parse(raw) as { issuedAt?: unknown }).issuedAt : null;
    return typeof issuedAt === 'number' && clockNow() - issuedAt <= FEED_HANDOFF_MAX_AGE_MS ? raw : null;
  } catch {
    return null;
  }
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('storage', onChange);
  return () => window.removeEventListener('storage', onChange);
}

function toState(raw: string | null | undefined, patientId: number): State {
  if (raw === undefined) return { kind: 'loading' }; // server render: storage is read in the browser
  if (raw === null) return { kind: 'missing' };
  const parsed = handoffSchema.safeParse(JSON.parse(raw));
  if (!parsed.success || parsed.data.patientId !== patientId) return { kind: 'missing' };
  const { url, webcalUrl, qrSvgDataUrl } = parsed.data;
  return { kind: 'ready', link: { url, webcalUrl, qrSvgDataUrl } };
}

export function FeedHandout({
  patientId,
  backLabel,
  header,
  children,
}: {
  patientId: number;
  backLabel: string;
  header: ReactNode;
  children: ReactNode;
}) {
  const raw = useSyncExternalStore(subscribe, freshHandoff, () => undefined);
  const state = useMemo(() => toState(raw, patientId), [raw, patientId]);

  return (
    <>
      <div className="feed-no-print feed-handout-bar">
        <Link href={`/patients/${patientId}`}>← {backLabel}</Link>
        <button type="button" onClick={() => window.print()} disabled={state.kind !== 'ready'}>
          Print handout
        </button>
      </div>
      {state.kind === 'missing' && (
        <p className="notice warn feed-no-print" role="alert">
          There is no new calendar link to print. For safety a link is shown only once, right after it is created. Go back to
          the patient page, choose <strong>Rotate link</strong> (or <strong>Create calendar link</strong>), then{' '}
          <strong>Print handout</strong>.
        </p>
      )}
      <article className={`feed-sheet${state.kind === 'ready' ? '' : ' feed-sheet-incomplete'}`} aria-label="Handout">
        {header}
        <section className="feed-sheet-link" aria-labelledby="feed-handout-link-heading">
          <h2 id="feed-handout-link-heading">Your calendar link</h2>
          {state.kind === 'ready' ? (
            <div className="feed-sheet-link-grid">
              {/* eslint-disable-next-line @next/next/no-img-element -- a data URL made on the server, checked before use */}
              <img src={state.link.qrSvgDataUrl} alt="QR code of your calendar subscribe link" width={200} height={200} />
              <div className="stack">
                <p>
                  <strong>iPhone or iPad:</strong> point the Camera app at the QR code and tap the link, then <strong>Subscribe</strong>.
                </p>
                <p>
                  <strong>Link to type or paste</strong> (Google Calendar, Outlook):
                  <br />
                  <code className="feed-sheet-url">{state.link.url}</code>
                </p>
              </div>
            </div>
          ) : (
            <p className="muted">{state.kind === 'loading' ? 'Loading the link…' : 'No link: see the message above.'}</p>
          )}
        </section>
        {children}
      </article>
    </>
  );
}
