'use client';

import { useId, type ReactNode } from 'react';

export interface ControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

/**
 * A labelled control with its help text and its field error, wired with aria-describedby. The label holds only the
 * field's name, so a screen reader announces "Date, invalid, Sat 14 Mar is not a clinic day" rather than a run-on.
 */
export function Field({
  label,
  error,
  help,
  source,
  className,
  children,
}: {
  label: ReactNode;
  error?: string;
  help?: ReactNode;
  /** Where a default comes from (a reference citation): collapsed under "Sources", not read with the help. */
  source?: string;
  className?: string;
  children: (props: ControlProps) => ReactNode;
}) {
  const id = useId();
  const describedBy =
    [help ? `${id}-help` : null, error ? `${id}-err` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`sched-field${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': describedBy })}
      {help && (
        <span id={`${id}-help`} className="sched-help">
          {help}
        </span>
      )}
      {error && (
        <span id={`${id}-err`} className="field-error">
          {error}
        </span>
      )}
      {source && <SourceNote text={source} />}
    </div>
  );
}

/** A reference citation kept out of labels and help text, one click away. */
export function SourceNote({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <details className="sched-source">
      <summary>Sources</summary>
      <p>{text}</p>
    </details>
  );
}
