'use client';

import { useEffect, useId, useRef, useState, type InputHTMLAttributes } from 'react';
import { dateOrderPattern, readTypedDate, readTypedTime, type Reading } from '@/lib/domain/typed-dates';
import { formatLocalDate } from '@/lib/format';
import { useDateOrder } from './date-order';

type NativeProps = Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'type' | 'value' | 'defaultValue' | 'onChange' | 'min' | 'max' | 'name' | 'children'
>;

interface TypedInputProps extends NativeProps {
  /** The field's name as staff read it, opening the input's own messages ("Expiry date: there is no 31 February"). */
  label: string;
  /** Controlled: the value as the form holds it (`YYYY-MM-DD` / `HH:MM`, or '' when empty). */
  value?: string;
  /** Uncontrolled (a GET filter form): the starting value. */
  defaultValue?: string;
  /**
   * Called as the text changes, with the ISO value when the text reads as one, '' when it is empty, and the text
   * as typed otherwise: never a wrong date, and never an empty one that would hide what was typed from the
   * form's own check.
   */
  onChange?: (value: string) => void;
  /** For a form posted as is: a hidden input of this name carries the ISO value (or the unreadable text). */
  name?: string;
}

export interface DateInputProps extends TypedInputProps {
  /** The earliest and latest dates allowed (`YYYY-MM-DD`): a date outside is marked, and still sent to be refused. */
  min?: string;
  max?: string;
}

/** The text a stored value shows in the box: a date with the month as a word, which no date order can misread. */
const dateText = (value: string) =>
  readTypedDate(value, 'd/m/y').ok && /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? formatLocalDate(value).slice(4)
    : value;

/** What the form is given for a reading: the ISO value, '' for an empty box, the text as typed otherwise. */
const emitted = (text: string, reading: Reading<string>) =>
  reading.ok ? reading.value : reading.empty ? '' : text;

/**
 * The shared machinery: the text as typed, what it reads as, and the line beside the field that says so. The text
 * follows a controlled value when the form changes it (a reset, a value loaded later), not while it is typed.
 */
function useTypedValue(
  props: TypedInputProps,
  read: (text: string) => Reading<string>,
  textOf: (value: string) => string,
) {
  const { value, defaultValue, onChange } = props;
  const [text, setText] = useState(() => textOf(value ?? defaultValue ?? ''));
  const [syncedValue, setSyncedValue] = useState(value);
  const [touched, setTouched] = useState(false);
  const reading = read(text);
  const current = emitted(text, reading);
  if (value !== syncedValue) {
    setSyncedValue(value);
    if (value !== undefined && value !== current) {
      setText(textOf(value));
      setTouched(false);
    }
  }
  return {
    text,
    reading,
    current,
    touched,
    setTouched,
    change: (next: string) => {
      setText(next);
      onChange?.(emitted(next, read(next)));
    },
  };
}

/** Marks the visible input invalid for the browser too, so that a plain GET form is not sent with an unread date. */
function useCustomValidity(problem: string | null) {
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => {
    ref.current?.setCustomValidity(problem ?? '');
  }, [problem]);
  return ref;
}

function TypedInput({
  props,
  text,
  problem,
  echo,
  current,
  setTouched,
  change,
  placeholder,
}: {
  props: TypedInputProps;
  text: string;
  problem: string | null;
  echo: string | null;
  current: string;
  setTouched: (t: boolean) => void;
  change: (next: string) => void;
  placeholder: string;
}) {
  const { label: _label, value: _v, defaultValue: _d, onChange: _o, name, ...native } = props;
  const hintId = `${useId()}-read`;
  const ref = useCustomValidity(problem);
  const describedBy = [props['aria-describedby'], hintId].filter(Boolean).join(' ');
  const invalid = props['aria-invalid'] === true || props['aria-invalid'] === 'true' || problem !== null;
  return (
    <>
      <input
        placeholder={placeholder}
        {...native}
        ref={ref}
        type="text"
        autoComplete="off"
        spellCheck={false}
        value={text}
        // The value the form holds (ISO), for tests and for anyone inspecting the page.
        data-value={current}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        onChange={(e) => change(e.target.value)}
        onBlur={(e) => {
          setTouched(true);
          native.onBlur?.(e);
        }}
        onInvalid={() => setTouched(true)}
      />
      <span id={hintId} className={problem ? 'typed-read field-error' : 'typed-read'} aria-live="polite">
        {problem ?? echo}
      </span>
      {name !== undefined && <input type="hidden" name={name} value={current} />}
    </>
  );
}

/**
 * A date typed as staff write it: `2 Dec 2026`, `2026-12-02`, or numbers in the clinic's order (`2/12/2026`
 * under d/m/y), read by lib/domain/typed-dates.ts. Beside it, what it read, in the words the pages use
 * (`= Wed 2 Dec 2026`), so that a misreading is seen before it is saved (decision 029). A text input, not
 * `type="date"`: the browser's date input shows the browser's locale, not the clinic's.
 */
export function DateInput(props: DateInputProps) {
  const order = useDateOrder();
  const { min, max, ...rest } = props;
  const read = (text: string) => readTypedDate(text, order);
  const { text, reading, current, touched, setTouched, change } = useTypedValue(rest, read, dateText);
  const problem = dateProblem(props.label, reading, touched, min, max);
  const echo = reading.ok
    ? `= ${formatLocalDate(reading.value)}`
    : `${dateOrderPattern[order]} or 2 Dec 2026`;
  return (
    <TypedInput
      props={rest}
      text={text}
      problem={problem}
      echo={echo}
      current={current}
      setTouched={setTouched}
      change={change}
      placeholder={dateOrderPattern[order]}
    />
  );
}

function dateProblem(
  label: string,
  reading: Reading<string>,
  touched: boolean,
  min?: string,
  max?: string,
): string | null {
  if (!reading.ok) return touched && !reading.empty ? `${label}: ${reading.problem}` : null;
  if (min && reading.value < min)
    return `${label}: ${formatLocalDate(reading.value)} is before ${formatLocalDate(min)}, the earliest allowed`;
  if (max && reading.value > max)
    return `${label}: ${formatLocalDate(reading.value)} is after ${formatLocalDate(max)}, the latest allowed`;
  return null;
}

/**
 * A time of day on the 24-hour clock, as the pages print it: `14:05`, also typed `9:30`, `9.30` or `0930`
 * (lib/domain/typed-dates.ts). `9:30 pm` is refused with the 24-hour time it would be. When the text is not
 * already `HH:MM`, the line beside it says what it read (`= 09:30`).
 */
export function TimeInput(props: TypedInputProps) {
  const { text, reading, current, touched, setTouched, change } = useTypedValue(
    props,
    readTypedTime,
    (v) => v,
  );
  const problem = !reading.ok && touched && !reading.empty ? `${props.label}: ${reading.problem}` : null;
  const echo = reading.ok && text.trim() !== reading.value ? `= ${reading.value}` : null;
  return (
    <TypedInput
      props={props}
      text={text}
      problem={problem}
      echo={echo}
      current={current}
      setTouched={setTouched}
      change={change}
      placeholder="HH:MM"
    />
  );
}

/**
 * A labelled DateInput for a plain GET form on a server page (filters, "go to date"): the label is beside the
 * input, not around it, so that the line saying what was read is not read out as part of the field's name. It
 * starts again from `defaultValue` when the page is navigated to another date.
 */
export function DateField({ label, ...props }: DateInputProps) {
  const id = useId();
  return (
    <div className="typed-field">
      <label htmlFor={id}>{label}</label>
      <DateInput key={props.defaultValue} id={id} label={label} {...props} />
    </div>
  );
}
