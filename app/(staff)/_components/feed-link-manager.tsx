'use client';

/**
 * Create, rotate and revoke a calendar feed link (a patient's, or the signed-in staff member's clinic feed).
 * The server keeps only a hash of the token, so a link is shown once, right after it is issued; afterwards
 * the panel can only say that one is active.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useId, useRef, useState, type RefObject } from 'react';
import { formatAgo, formatInstant } from '@/lib/format';
import { ApiError, fetchJson } from '@/lib/query/client';
import { feedQuery, feedUrl, type FeedOwner, type IssuedFeed } from '@/lib/query/feeds';
import type { FeedHandoff, FeedLink, FeedStatus } from '@/lib/validation/feeds';
import { FEED_HANDOFF_KEY } from '@/lib/validation/limits';
import { clockNow } from '@/lib/clock';

interface Props {
  /** A patient's link (with `patientId`), or the signed-in staff member's clinic link. */
  kind: 'patient' | 'clinic';
  initial: FeedStatus;
  /** The clinic's zone, for the "created" time. */
  timeZone: string;
  /** Patient links only: the patient (their feed's API, and the print handout). */
  patientId?: number;
}

const TEXT = {
  patient: {
    none: 'This patient has no calendar link.',
    rotateWarning:
      'The current link stops working at once. The patient must remove the old calendar and subscribe again with the new link.',
    revokeWarning: "The patient's calendar stops updating at once. You can create a new link later.",
  },
  clinic: {
    none: 'You have no clinic calendar link.',
    rotateWarning: 'Your current link stops working at once. Subscribe again with the new link on every device.',
    revokeWarning: 'Your subscribed calendar stops updating at once. You can create a new link later.',
  },
} as const;

function clearHandoff() {
  try {
    sessionStorage.removeItem(FEED_HANDOFF_KEY);
  } catch {
    /* storage unavailable: nothing to clear */
  }
}

export function FeedLinkManager({ kind, initial, timeZone, patientId }: Props) {
  const queryClient = useQueryClient();
  const owner: FeedOwner = kind === 'patient' ? { kind, patientId: patientId! } : { kind };
  const apiUrl = feedUrl(owner);
  const query = feedQuery(owner);
  const { queryKey } = query;
  const { data: status } = useQuery({ ...query, initialData: initial });
  const [issued, setIssued] = useState<FeedLink | null>(null);
  const [confirming, setConfirming] = useState<'rotate' | 'revoke' | null>(null);
  const issuedHeading = useRef<HTMLHeadingElement>(null);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const text = TEXT[kind];
  const warningId = useId();

  const rotate = useMutation({
    mutationFn: () =>
      fetchJson<IssuedFeed>(apiUrl, { method: 'POST', body: JSON.stringify({ replaces: status.tokenId }) }),
    onSuccess: (data) => {
      clearHandoff();
      queryClient.setQueryData(queryKey, data.feed);
      setIssued(data.link);
      setConfirming(null);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey }),
  });
  const revoke = useMutation({
    mutationFn: () => fetchJson<FeedStatus>(apiUrl, { method: 'DELETE' }),
    onSuccess: (data) => {
      clearHandoff();
      queryClient.setQueryData(queryKey, data);
      setIssued(null);
      setConfirming(null);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey }),
  });
  const busy = rotate.isPending || revoke.isPending;
  const error = rotate.error ?? revoke.error;

  useEffect(() => {
    if (issued) issuedHeading.current?.focus();
  }, [issued]);
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
  }, [confirming]);

  const start = (action: 'rotate' | 'revoke') => {
    rotate.reset();
    revoke.reset();
    setConfirming(action);
  };

  return (
    <div className="stack feed-manager">
      <p aria-live="polite">
        {status.active && status.createdAt != null ? (
          <>
            <span className="badge status-ok">Active</span> Link created {formatInstant(status.createdAt, timeZone)}.
            {!issued && <span className="muted"> For safety it cannot be shown again: rotate it to give out a new link.</span>}
            <br />
            {/* The server renders with its clock, the browser with its own: the minutes may differ by one. */}
            <span
              data-testid="feed-last-synced"
              suppressHydrationWarning
              title={status.lastFetchedAt == null ? undefined : formatInstant(status.lastFetchedAt, timeZone)}
            >
              Last synced: {formatAgo(status.lastFetchedAt, clockNow())}
              {status.lastFetchedAt == null && ' (no calendar app has fetched this link yet)'}.
            </span>
          </>
        ) : (
          text.none
        )}
      </p>

      {issued && <IssuedLink link={issued} headingRef={issuedHeading} patientId={patientId} />}

      {error && (
        <p className="error" role="alert">
          {error instanceof ApiError ? error.message : 'The request failed. Nothing was changed.'}
        </p>
      )}

      {confirming ? (
        <div className="notice warn stack" role="group" aria-labelledby={warningId}>
          <p id={warningId}>{confirming === 'rotate' ? text.rotateWarning : text.revokeWarning}</p>
          <div className="feed-actions">
            <button
              ref={confirmButton}
              type="button"
              className={confirming === 'revoke' ? 'danger' : undefined}
              disabled={busy}
              onClick={() => (confirming === 'rotate' ? rotate.mutate() : revoke.mutate())}
            >
              {confirming === 'rotate' ? 'Yes, rotate link' : 'Yes, revoke link'}
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => setConfirming(null)}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div className="feed-actions">
          {status.active ? (
            <>
              <button type="button" onClick={() => start('rotate')} disabled={busy}>
                Rotate link
              </button>
              <button type="button" className="secondary" onClick={() => start('revoke')} disabled={busy}>
                Revoke link
              </button>
            </>
          ) : (
            <button type="button" onClick={() => rotate.mutate()} disabled={busy}>
              Create calendar link
            </button>
          )}
        </div>
      )}
    </div>
  );
}

function IssuedLink({
  link,
  headingRef,
  patientId,
}: {
  link: FeedLink;
  headingRef: RefObject<HTMLHeadingElement | null>;
  patientId?: number;
}) {
  const storeHandoff = () => {
    if (patientId == null) return;
    const handoff: FeedHandoff = { ...link, patientId, issuedAt: clockNow() };
    try {
      sessionStorage.setItem(FEED_HANDOFF_KEY, JSON.stringify(handoff));
    } catch {
      /* the handout then says the link is missing */
    }
  };
  return (
    <section className="feed-issued stack" aria-labelledby="feed-issued-heading">
      <h3 id="feed-issued-heading" ref={headingRef} tabIndex={-1}>
        New calendar link
      </h3>
      <p className="notice">
        Shown only now: copy it{patientId != null ? ', print the handout' : ''} or scan the QR code before you leave this
        page. Only a fingerprint of the link is kept.
      </p>
      <div className="feed-issued-grid">
        <div className="stack">
          <CopyField label="Calendar link (https)" value={link.url} copyLabel="Copy https link" />
          <CopyField label="Subscribe link (webcal)" value={link.webcalUrl} copyLabel="Copy webcal link" />
          <p className="small muted">
            iPhone, iPad and Mac: the webcal link (or the QR code) opens Calendar&rsquo;s Subscribe dialog. Google Calendar and
            Outlook: add the https link &ldquo;from URL&rdquo;.
          </p>
          {patientId != null && (
            <p>
              <Link href={`/patients/${patientId}/feed-handout`} className="button secondary" onClick={storeHandoff}>
                Print handout
              </Link>
            </p>
          )}
        </div>
        {/* eslint-disable-next-line @next/next/no-img-element -- a data URL rendered by the server, not an optimisable asset */}
        <img className="feed-qr" src={link.qrSvgDataUrl} alt="QR code of the subscribe (webcal) link" width={180} height={180} />
      </div>
    </section>
  );
}

function CopyField({ label, value, copyLabel }: { label: string; value: string; copyLabel: string }) {
  const id = useId();
  const [message, setMessage] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setMessage('Copied.');
    } catch {
      setMessage('Could not copy: select the text and copy it.');
    }
  };
  return (
    <div className="feed-copy">
      <label htmlFor={id}>{label}</label>
      <div className="feed-copy-row">
        <input id={id} type="text" readOnly value={value} onFocus={(e) => e.currentTarget.select()} spellCheck={false} />
        <button type="button" className="secondary small" onClick={() => void copy()}>
          {copyLabel}
        </button>
      </div>
      <span className="small muted" aria-live="polite">
        {message}
      </span>
    </div>
  );
}
