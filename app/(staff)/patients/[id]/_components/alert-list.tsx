'use client';

import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { alertShortText, formatInstant } from '@/lib/format';
import { ApiError } from '@/lib/query/client';
import { refetchAfter } from '@/lib/query/keys';
import {
  actOnAlert,
  patientAlertsQuery,
  reviewDiscrepancy,
  type AlertDto,
  type PumpAlerts,
} from '@/lib/query/patients';
import { severityLabels } from './labels';

interface Props {
  patientId: number;
  pumpId: number;
  timeZone: string;
  canAct: boolean;
  /** A physician: may review a residual discrepancy (E5), the only way it closes. */
  canReview: boolean;
}

const keyOf = (a: AlertDto) => (a.review ? `${a.code}-${a.review.visitId}` : a.code);

const alertsOf = (all: PumpAlerts, pumpId: number): AlertDto[] => all.find((p) => p.pumpId === pumpId)?.alerts ?? [];

/**
 * After an alert action: the pump's alerts as the server answered, into the patient's alerts query at once, then the
 * patient and the worklist (which ranks by the worst open alert) refetched.
 */
async function showAlerts(client: QueryClient, patientId: number, pumpId: number, alerts: AlertDto[]) {
  client.setQueryData(patientAlertsQuery(patientId).queryKey, (all) =>
    all ? all.map((p) => (p.pumpId === pumpId ? { ...p, alerts } : p)) : all,
  );
  await refetchAfter(client, { patientId });
}

/**
 * The pump's alerts in words, most severe first, each with Mark as seen / Snooze-with-reason for nurses and
 * physicians; a residual discrepancy (E5) instead with Review-with-note for physicians.
 */
export function AlertList({ patientId, pumpId, timeZone, canAct, canReview }: Props) {
  // The patient's alerts are prefetched by the page and hydrated (app/(staff)/patients/[id]/page.tsx).
  const { data: alerts = [] } = useQuery({ ...patientAlertsQuery(patientId), select: (d) => alertsOf(d, pumpId) });
  const open = alerts.filter((a) => !a.acknowledged);
  const covered = alerts.filter((a) => a.acknowledged);
  if (alerts.length === 0) return <p className="muted">No alerts for this pump.</p>;
  return (
    <div className="stack pt-alerts">
      {open.length > 0 ? (
        <ul className="pt-alert-list">
          {open.map((a) =>
            a.review ? (
              <ReviewItem
                key={keyOf(a)}
                alert={a}
                visitId={a.review.visitId}
                patientId={patientId}
                pumpId={pumpId}
                canReview={canReview}
              />
            ) : (
              <AlertItem
                key={keyOf(a)}
                alert={a}
                patientId={patientId}
                pumpId={pumpId}
                timeZone={timeZone}
                canAct={canAct}
              />
            ),
          )}
        </ul>
      ) : (
        <p className="ok-text">Every alert is acknowledged or snoozed.</p>
      )}
      {covered.length > 0 && (
        <details>
          <summary>
            {covered.length} acknowledged or snoozed alert{covered.length === 1 ? '' : 's'}
          </summary>
          <ul className="pt-alert-list">
            {covered.map((a) => (
              <li key={keyOf(a)} className={`pt-alert sev-${a.severity} pt-covered`}>
                <span className="pt-sev">{severityLabels[a.severity]}</span>{' '}
                <span className="pt-alert-msg">{a.message}</span>
                {a.cover && (
                  <div className="small muted">
                    {a.cover.action === 'snooze'
                      ? `Snoozed until ${formatInstant(a.cover.snoozedUntil, timeZone)}`
                      : 'Acknowledged'}
                    {a.cover.byName ? ` by ${a.cover.byName}` : ''} on {formatInstant(a.cover.at, timeZone)}:
                    “{a.cover.reason}”. It returns if it gets worse.
                  </div>
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function AlertItem({
  alert,
  patientId,
  pumpId,
  timeZone,
  canAct,
}: {
  alert: AlertDto;
  patientId: number;
  pumpId: number;
  timeZone: string;
  canAct: boolean;
}) {
  const id = useId();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<'acknowledge' | 'snooze' | null>(null);
  const [reason, setReason] = useState('');
  const [days, setDays] = useState('3');
  const mutation = useMutation({
    mutationFn: () =>
      actOnAlert(pumpId, {
        code: alert.code,
        action: mode ?? 'acknowledge',
        reason,
        snoozeDays: mode === 'snooze' ? Number(days) : undefined,
      }),
    onSuccess: async (data) => {
      setMode(null);
      await showAlerts(queryClient, patientId, pumpId, data.alerts);
    },
  });
  const fields = mutation.error instanceof ApiError ? mutation.error.fields : {};
  const phrase = alertShortText(alert.code);
  return (
    <li className={`pt-alert sev-${alert.severity}`}>
      <div>
        <span className="pt-sev">{severityLabels[alert.severity]}</span>{' '}
        <span className="pt-alert-msg">{alert.message}</span>
      </div>
      {canAct && mode === null && (
        <div className="pt-alert-actions">
          {/* Named by what they do and which alert: the E-number is for the reference, in the tooltip. */}
          <button type="button" className="secondary small" title={`Alert ${alert.code}`} onClick={() => setMode('acknowledge')}>
            Mark as seen: {phrase}
          </button>
          <button type="button" className="secondary small" title={`Alert ${alert.code}`} onClick={() => setMode('snooze')}>
            Snooze: {phrase}
          </button>
        </div>
      )}
      {canAct && mode !== null && (
        <form
          className="pt-inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            mutation.mutate();
          }}
        >
          <label htmlFor={`${id}-reason`}>
            Reason ({mode === 'snooze' ? 'snooze' : 'mark as seen'}: {phrase})
          </label>
          <input
            id={`${id}-reason`}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            maxLength={500}
            required
            minLength={3}
            aria-invalid={fields.reason ? true : undefined}
            aria-describedby={fields.reason ? `${id}-reason-err` : undefined}
          />
          {fields.reason && (
            <span id={`${id}-reason-err`} className="field-error">
              {fields.reason}
            </span>
          )}
          {mode === 'snooze' && (
            <>
              <label htmlFor={`${id}-days`}>Snooze for</label>
              <select id={`${id}-days`} value={days} onChange={(e) => setDays(e.target.value)}>
                {[1, 3, 7, 14].map((d) => (
                  <option key={d} value={d}>
                    {d} day{d === 1 ? '' : 's'}
                  </option>
                ))}
              </select>
            </>
          )}
          <div className="pt-alert-actions">
            <button type="submit" className="small" disabled={mutation.isPending}>
              {mode === 'snooze' ? 'Snooze' : 'Mark as seen'}
            </button>
            <button type="button" className="secondary small" onClick={() => setMode(null)}>
              Cancel
            </button>
          </div>
          {mutation.error && !fields.reason && (
            <p role="alert" className="error">
              {mutation.error.message}
            </p>
          )}
          <p className="small muted">
            A worse alert comes back; a snooze ends on its own. Shown in {timeZone} time.
          </p>
        </form>
      )}
    </li>
  );
}

/** An open E5: it stays until a physician records what was done or decided. */
function ReviewItem({
  alert,
  visitId,
  patientId,
  pumpId,
  canReview,
}: {
  alert: AlertDto;
  visitId: number;
  patientId: number;
  pumpId: number;
  canReview: boolean;
}) {
  const id = useId();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const mutation = useMutation({
    mutationFn: () => reviewDiscrepancy(pumpId, visitId, { note }),
    onSuccess: async (data) => {
      setOpen(false);
      await showAlerts(queryClient, patientId, pumpId, data.alerts);
    },
  });
  const fields = mutation.error instanceof ApiError ? mutation.error.fields : {};
  return (
    <li className={`pt-alert sev-${alert.severity}`}>
      <div>
        <span className="pt-sev">{severityLabels[alert.severity]}</span>{' '}
        <span className="pt-alert-msg">{alert.message}</span>
      </div>
      {!canReview && (
        <p className="small muted">Awaiting a physician’s review: it cannot be acknowledged or snoozed.</p>
      )}
      {canReview && !open && (
        <div className="pt-alert-actions">
          <button type="button" className="secondary small" onClick={() => setOpen(true)}>
            Review {alert.code}
          </button>
        </div>
      )}
      {canReview && open && (
        <form
          className="pt-inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            mutation.mutate();
          }}
        >
          <label htmlFor={`${id}-note`}>Review note ({alert.code}): what was checked, done or decided</label>
          <textarea
            id={`${id}-note`}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            rows={3}
            maxLength={1000}
            required
            minLength={3}
            aria-invalid={fields.note ? true : undefined}
            aria-describedby={fields.note ? `${id}-note-err` : undefined}
          />
          {fields.note && (
            <span id={`${id}-note-err`} className="field-error">
              {fields.note}
            </span>
          )}
          <div className="pt-alert-actions">
            <button type="submit" className="small" disabled={mutation.isPending}>
              Save review
            </button>
            <button type="button" className="secondary small" onClick={() => setOpen(false)}>
              Cancel
            </button>
          </div>
          {mutation.error && !fields.note && (
            <p role="alert" className="error">
              {mutation.error.message}
            </p>
          )}
        </form>
      )}
    </li>
  );
}
