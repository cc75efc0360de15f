// @vitest-environment jsdom
/** A pump's appointments on the patient page (both views): what counts as upcoming, and the late mark. */
import '@testing-library/jest-dom/vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { PastAppointmentList, splitAppointments, UpcomingAppointmentList } from './appointment-lists';

const TZ = 'America/Chicago';
const HOUR = 3_600_000;
// Wed 2 Dec 2026 15:00 UTC = 09:00 in Chicago.
const now = Date.UTC(2026, 11, 2, 15);
const appt = (id: number, startsAt: number, status: 'booked' | 'done' | 'cancelled' | 'no-show' = 'booked') => ({
  id,
  pumpId: 1,
  startsAt,
  durationMinutes: 30,
  type: 'refill' as const,
  status,
  notes: '',
  version: 1,
});

afterEach(cleanup);

describe('splitAppointments', () => {
  it('keeps booked appointments not yet missed as upcoming, soonest first; the rest is past', () => {
    const later = appt(1, now + 48 * HOUR);
    const sooner = appt(2, now + 2 * HOUR);
    const done = appt(3, now - 72 * HOUR, 'done');
    const missed = appt(4, now - 30 * HOUR); // booked, but more than a day ago: missed, not upcoming
    const { upcoming, past } = splitAppointments([later, done, sooner, missed], now);
    expect(upcoming.map((a) => a.id)).toEqual([2, 1]);
    expect(past.map((a) => a.id)).toEqual([3, 4]);
  });

  it('shows at most ten past appointments', () => {
    const many = Array.from({ length: 14 }, (_, i) => appt(i + 1, now - (i + 2) * 24 * HOUR, 'done'));
    expect(splitAppointments(many, now).past).toHaveLength(10);
  });
});

describe('UpcomingAppointmentList', () => {
  it('marks only the appointment that falls after the refill due date', () => {
    render(
      <UpcomingAppointmentList
        appointments={[appt(1, Date.UTC(2026, 11, 9, 15)), appt(2, Date.UTC(2026, 11, 11, 15))]}
        timeZone={TZ}
        refillDueOn="2026-12-10"
      />,
    );
    const items = screen.getAllByRole('listitem');
    expect(items[0]).not.toHaveTextContent('after the due date');
    expect(items[1]).toHaveTextContent('after the due date');
  });

  it('says when none is booked', () => {
    render(<UpcomingAppointmentList appointments={[]} timeZone={TZ} refillDueOn="2026-12-10" />);
    expect(screen.getByText('None booked.')).toBeInTheDocument();
  });
});

describe('PastAppointmentList', () => {
  it('names each status', () => {
    render(<PastAppointmentList appointments={[appt(1, now - 72 * HOUR, 'no-show')]} timeZone={TZ} />);
    expect(screen.getByRole('listitem')).toHaveTextContent('No-show');
  });
});
