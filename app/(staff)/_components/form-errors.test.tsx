// @vitest-environment jsdom
/** The one form-error helper: every error of a refused submit shown at once, marked, described, and focused. */
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ApiError } from '@/lib/query/client';
import { useFormErrors } from './form-errors';

afterEach(cleanup);

const schema = z.object({
  name: z.string().min(1, 'Name is required'),
  email: z.string().email('Email must be an e-mail address'),
});

function Sample({ onValid, serverError }: { onValid: (v: z.infer<typeof schema>) => void; serverError?: unknown }) {
  const form = useFormErrors();
  return (
    <form
      id={form.formId}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        const body = form.parse(schema, { name: data.get('name'), email: data.get('email') });
        if (body && serverError) form.refuseFromServer(serverError);
        else if (body) onValid(body);
      }}
    >
      <label htmlFor="sample-name">Name</label>
      <input id="sample-name" name="name" {...form.control('name')} />
      {form.message('name')}
      <label htmlFor="sample-email">Email</label>
      <input id="sample-email" name="email" {...form.control('email')} />
      {form.message('email')}
      {form.generalAlert()}
      <button type="submit">Save</button>
    </form>
  );
}

describe('useFormErrors', () => {
  it('shows every field error of one submit, marks the fields invalid, describes them and focuses the first', async () => {
    const user = userEvent.setup();
    const onValid = vi.fn();
    render(<Sample onValid={onValid} />);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    const name = screen.getByLabelText('Name');
    const email = screen.getByLabelText('Email');
    expect(name).toHaveAttribute('aria-invalid', 'true');
    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(name).toHaveAccessibleDescription('Name is required');
    expect(email).toHaveAccessibleDescription('Email must be an e-mail address');
    expect(name).toHaveFocus();
    expect(onValid).not.toHaveBeenCalled();

    // Fixed, the marks go.
    await user.type(name, 'Ada');
    await user.type(email, 'ada@example.org');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(onValid).toHaveBeenCalledWith({ name: 'Ada', email: 'ada@example.org' });
    expect(name).not.toHaveAttribute('aria-invalid');
  });

  it('focuses the field the server refused, or its general message when it names no field', async () => {
    const user = userEvent.setup();
    const { unmount } = render(
      <Sample onValid={vi.fn()} serverError={new ApiError('Email is taken', 400, { email: 'is already used' })} />,
    );
    await user.type(screen.getByLabelText('Name'), 'Ada');
    await user.type(screen.getByLabelText('Email'), 'ada@example.org');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByLabelText('Email')).toHaveFocus();
    expect(screen.getByLabelText('Email')).toHaveAccessibleDescription('is already used');
    unmount();

    render(<Sample onValid={vi.fn()} serverError={new ApiError('Changed by someone else: reload', 409)} />);
    await user.type(screen.getByLabelText('Name'), 'Ada');
    await user.type(screen.getByLabelText('Email'), 'ada@example.org');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Changed by someone else: reload');
    expect(screen.getByRole('alert')).toHaveFocus();
  });
});
