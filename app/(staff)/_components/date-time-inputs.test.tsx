// @vitest-environment jsdom
/** DateInput and TimeInput: typed in the clinic's order, read back in words, ISO sent (decision 029). */
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { DateOrder } from '@/lib/domain/typed-dates';
import { DateOrderProvider } from './date-order';
import { DateField, DateInput, TimeInput } from './date-time-inputs';
import { Field } from './field';

afterEach(cleanup);

/** A form holding the value as the real forms do, showing what it holds. */
function Controlled({ order, initial = '', min }: { order: DateOrder; initial?: string; min?: string }) {
  const [value, setValue] = useState(initial);
  return (
    <DateOrderProvider order={order}>
      <Field label="Expiry date">
        {(p) => <DateInput {...p} label="Expiry date" value={value} onChange={setValue} min={min} />}
      </Field>
      <output data-testid="held">{value}</output>
      <button type="button" onClick={() => setValue('')}>
        Reset
      </button>
    </DateOrderProvider>
  );
}

const held = () => screen.getByTestId('held').textContent;
const field = () => screen.getByLabelText('Expiry date');

describe('DateInput', () => {
  it('reads the same 2/12/2026 as 2 December under d/m/y and 12 February under m/d/y, and says so beside it', async () => {
    const user = userEvent.setup();
    render(<Controlled order="d/m/y" />);
    await user.type(field(), '2/12/2026');
    expect(held()).toBe('2026-12-02');
    expect(field()).toHaveAccessibleDescription('= Wed 2 Dec 2026');
    cleanup();

    render(<Controlled order="m/d/y" />);
    await user.type(field(), '2/12/2026');
    expect(held()).toBe('2026-02-12');
    expect(field()).toHaveAccessibleDescription('= Thu 12 Feb 2026');
  });

  it('reads ISO and the month as a word the same in both orders', async () => {
    const user = userEvent.setup();
    for (const order of ['d/m/y', 'm/d/y'] as const) {
      render(<Controlled order={order} />);
      await user.type(field(), '2026-12-02');
      expect(held()).toBe('2026-12-02');
      await user.clear(field());
      await user.type(field(), '17 Dec 2026');
      expect(held()).toBe('2026-12-17');
      expect(field()).toHaveAccessibleDescription('= Thu 17 Dec 2026');
      cleanup();
    }
  });

  it('says in a live region what it read, so a screen reader hears the reading while typing', async () => {
    const user = userEvent.setup();
    render(<Controlled order="d/m/y" />);
    await user.type(field(), '5/1/2027');
    const hint = document.getElementById(field().getAttribute('aria-describedby')!.split(' ').at(-1)!)!;
    expect(hint).toHaveAttribute('aria-live', 'polite');
    expect(hint).toHaveTextContent('= Tue 5 Jan 2027');
  });

  it('names the clinic’s order while empty', () => {
    render(<Controlled order="m/d/y" />);
    expect(field()).toHaveAccessibleDescription('MM/DD/YYYY or 2 Dec 2026');
    expect(field()).toHaveAttribute('placeholder', 'MM/DD/YYYY');
  });

  it('marks an unreadable date invalid once left, naming the field, and hands the form the text, never a date', async () => {
    const user = userEvent.setup();
    render(<Controlled order="d/m/y" />);
    await user.type(field(), '31/02/2026');
    expect(held()).toBe('31/02/2026');
    await user.tab();
    expect(field()).toHaveAttribute('aria-invalid', 'true');
    expect(field()).toHaveAccessibleDescription('Expiry date: there is no 31 February 2026');
    expect((field() as HTMLInputElement).validationMessage).toBe('Expiry date: there is no 31 February 2026');

    await user.clear(field());
    await user.type(field(), '12/17/2026');
    expect(field()).toHaveAccessibleDescription(
      'Expiry date: 12/17/2026 is not a date in this clinic’s order, DD/MM/YYYY (there is no month 17)',
    );
    expect(held()).toBe('12/17/2026');

    await user.clear(field());
    await user.type(field(), '17/12/2026');
    expect(field()).not.toHaveAttribute('aria-invalid');
    expect((field() as HTMLInputElement).validationMessage).toBe('');
    expect(held()).toBe('2026-12-17');
  });

  it('does not call a half-typed date wrong while it is still being typed', async () => {
    const user = userEvent.setup();
    render(<Controlled order="d/m/y" />);
    await user.type(field(), '17/1');
    expect(field()).not.toHaveAttribute('aria-invalid');
    expect(held()).toBe('17/1');
  });

  it('marks a date before the earliest allowed, with both dates in words', async () => {
    const user = userEvent.setup();
    render(<Controlled order="d/m/y" min="2026-12-04" />);
    await user.type(field(), '3/12/2026');
    expect(field()).toHaveAttribute('aria-invalid', 'true');
    expect(field()).toHaveAccessibleDescription(
      'Expiry date: Thu 3 Dec 2026 is before Fri 4 Dec 2026, the earliest allowed',
    );
  });

  it('shows a stored date with the month as a word, and follows the form when it resets the value', async () => {
    const user = userEvent.setup();
    render(<Controlled order="m/d/y" initial="2027-08-18" />);
    expect(field()).toHaveValue('18 Aug 2027');
    expect(field()).toHaveAccessibleDescription('= Wed 18 Aug 2027');
    await user.click(screen.getByRole('button', { name: 'Reset' }));
    expect(field()).toHaveValue('');
  });

  it('keeps the field’s own error wiring (Field’s aria-describedby) alongside its reading', async () => {
    const user = userEvent.setup();
    render(
      <DateOrderProvider order="d/m/y">
        <Field label="Fill date" error="Fill date must not be in the future">
          {(p) => <DateInput {...p} label="Fill date" value="" onChange={() => {}} />}
        </Field>
      </DateOrderProvider>,
    );
    const input = screen.getByLabelText('Fill date');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription(/Fill date must not be in the future/);
    await user.type(input, '1');
    expect(input).toHaveAccessibleDescription(/Fill date must not be in the future/);
  });

  it('in a plain GET form, posts ISO under the field’s name and keeps the reading out of the label', async () => {
    const user = userEvent.setup();
    render(
      <DateOrderProvider order="m/d/y">
        <form aria-label="Filter">
          <DateField label="Due from" name="dueFrom" defaultValue="" />
        </form>
      </DateOrderProvider>,
    );
    const input = screen.getByRole('textbox', { name: 'Due from' });
    await user.type(input, '12/17/2026');
    const data = new FormData(screen.getByRole<HTMLFormElement>('form', { name: 'Filter' }));
    expect(data.get('dueFrom')).toBe('2026-12-17');
    expect([...data.keys()]).toEqual(['dueFrom']);
    expect(input).toHaveAccessibleName('Due from');
  });

  it('refuses to render outside the clinic’s date order rather than guess one', () => {
    const quiet = console.error;
    console.error = () => {};
    try {
      expect(() => render(<DateInput label="Date" value="" onChange={() => {}} />)).toThrow(/date order/);
    } finally {
      console.error = quiet;
    }
  });
});

function ControlledTime() {
  const [value, setValue] = useState('');
  return (
    <>
      <Field label="Start time">
        {(p) => <TimeInput {...p} label="Start time" value={value} onChange={setValue} />}
      </Field>
      <output data-testid="held">{value}</output>
    </>
  );
}

describe('TimeInput', () => {
  it('sends HH:MM for 9:30 and 0930, and says what it read when the text was not already HH:MM', async () => {
    const user = userEvent.setup();
    render(<ControlledTime />);
    const input = screen.getByLabelText('Start time');
    await user.type(input, '9:30');
    expect(held()).toBe('09:30');
    expect(input).toHaveAccessibleDescription('= 09:30');
    await user.clear(input);
    await user.type(input, '1405');
    expect(held()).toBe('14:05');
    await user.clear(input);
    await user.type(input, '14:05');
    expect(held()).toBe('14:05');
    expect(input).toHaveAccessibleDescription('');
  });

  it('refuses 9:30 pm, naming the field and the 24-hour time, and sends no time for it', async () => {
    const user = userEvent.setup();
    render(<ControlledTime />);
    const input = screen.getByLabelText('Start time');
    await user.type(input, '9:30 pm');
    await user.tab();
    expect(held()).toBe('9:30 pm');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(input).toHaveAccessibleDescription('Start time: use the 24-hour clock: 21:30 for 9:30 pm');
  });
});
