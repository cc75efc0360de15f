'use client';

import { useState, type ReactNode } from 'react';
import { useFormErrors, type FormErrors } from '@/app/(staff)/_components/form-errors';
import { fetchJson } from '@/lib/query/client';

interface Status {
  enrolled: boolean;
  required: boolean;
  recoveryCodesLeft: number | null;
}

interface Enrolment {
  otpauthUri: string;
  secret: string;
  qrSvg: string;
  recoveryCodes: string[];
}

function text(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === 'string' ? v : '';
}

/** The secret in groups of four, as authenticator apps show it, for typing by hand. */
const grouped = (secret: string) => secret.replace(/(.{4})/g, '$1 ').trim();

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div className="card stack">
      <h2>Recovery codes</h2>
      <p>
        Each code opens <strong>one</strong> sign-in without the app. Print them or keep them in your password manager; they are not shown again.
      </p>
      <ul aria-label="Recovery codes" className="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

function PasswordField({ form }: { form: FormErrors }) {
  return (
    <label>
      Your password
      <input name="password" type="password" autoComplete="current-password" required {...form.control('password')} />
      {form.message('password', 'Password')}
    </label>
  );
}

/**
 * One of the page's forms, each with its own errors (two of them ask for the password: an error of one must not
 * show under the other). A refused submit focuses the field to fix (form-errors.tsx).
 */
function MfaForm({
  run,
  fallback,
  children,
  className = 'card stack',
}: {
  run: (form: FormData) => Promise<void>;
  fallback: string;
  children: (form: FormErrors, pending: boolean) => ReactNode;
  className?: string;
}) {
  const form = useFormErrors();
  const [pending, setPending] = useState(false);
  return (
    <form
      id={form.formId}
      className={className}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        setPending(true);
        form.clear();
        run(data)
          .catch((e: unknown) => form.refuseFromServer(e, fallback))
          .finally(() => setPending(false));
      }}
    >
      {children(form, pending)}
      {form.generalAlert()}
    </form>
  );
}

export function SecurityManager({ status, after }: { status: Status; after: string }) {
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [newCodes, setNewCodes] = useState<string[] | null>(null);

  if (!status.enrolled && !enrolment) {
    return (
      <MfaForm
        run={async (form) => {
          setEnrolment(await fetchJson<Enrolment>('/api/v1/me/mfa/enrolment', { method: 'POST', body: JSON.stringify({ password: text(form, 'password') }) }));
        }}
        fallback="Could not start the set-up. Try again."
      >
        {(form, pending) => (
          <>
            <h2>Set up an authenticator app</h2>
            <PasswordField form={form} />
            <div>
              <button type="submit" disabled={pending}>
                {pending ? 'Starting…' : 'Start set-up'}
              </button>
            </div>
          </>
        )}
      </MfaForm>
    );
  }

  if (!status.enrolled && enrolment) {
    return (
      <div className="stack">
        <div className="card stack">
          <h2>1. Add this account to your app</h2>
          <p>Scan the QR code with the authenticator app, or type the key by hand (time-based, 6 digits).</p>
          {/* eslint-disable-next-line @next/next/no-img-element -- an inline SVG data URL, not a remote image */}
          <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qrSvg)}`} alt="QR code to add this account to an authenticator app" width={200} height={200} />
          <p>
            Key: <code data-testid="totp-secret">{grouped(enrolment.secret)}</code>
          </p>
        </div>
        <RecoveryCodes codes={enrolment.recoveryCodes} />
        <MfaForm
          run={async (form) => {
            await fetchJson('/api/v1/me/mfa/confirmation', { method: 'POST', body: JSON.stringify({ code: text(form, 'code') }) });
            // A full load: the session was renewed and every page reads the account afresh.
            window.location.assign(after);
          }}
          fallback="Could not confirm the code. Try again."
        >
          {(form, pending) => (
            <>
              <h2>2. Confirm with a code</h2>
              <label>
                Code from the app
                <input name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]*" maxLength={7} required {...form.control('code')} />
                {form.message('code', 'Code')}
              </label>
              <div>
                <button type="submit" disabled={pending}>
                  {pending ? 'Checking…' : 'Turn on two-step sign-in'}
                </button>
              </div>
            </>
          )}
        </MfaForm>
      </div>
    );
  }

  return (
    <div className="stack">
      <p role="status" className="notice">
        Two-step sign-in is on.{' '}
        {status.recoveryCodesLeft != null && `${status.recoveryCodesLeft} recovery code${status.recoveryCodesLeft === 1 ? '' : 's'} left.`}
      </p>
      {newCodes && <RecoveryCodes codes={newCodes} />}
      <MfaForm
        run={async (form) => {
          const r = await fetchJson<{ recoveryCodes: string[] }>('/api/v1/me/mfa/recovery-codes', { method: 'POST', body: JSON.stringify({ password: text(form, 'password') }) });
          setNewCodes(r.recoveryCodes);
        }}
        fallback="Could not make new recovery codes. Try again."
      >
        {(form, pending) => (
          <>
            <h2>New recovery codes</h2>
            <p className="muted">Ten new codes; the old ones stop working.</p>
            <PasswordField form={form} />
            <div>
              <button type="submit" disabled={pending}>
                New recovery codes
              </button>
            </div>
          </>
        )}
      </MfaForm>
      {status.required ? (
        <p className="muted">Your clinic requires two-step sign-in for your role. If you lose your phone, an admin can reset it.</p>
      ) : (
        <MfaForm
          run={async (form) => {
            await fetchJson('/api/v1/me/mfa/disable', { method: 'POST', body: JSON.stringify({ password: text(form, 'password') }) });
            window.location.reload();
          }}
          fallback="Could not switch it off. Try again."
        >
          {(form, pending) => (
            <>
              <h2>Switch off</h2>
              <PasswordField form={form} />
              <div>
                <button type="submit" className="danger" disabled={pending}>
                  Switch off two-step sign-in
                </button>
              </div>
            </>
          )}
        </MfaForm>
      )}
    </div>
  );
}
