import { describe, expect, it } from 'vitest';
import { formatInstant, formatTime } from './format';

// Lord Howe Island moves its clocks by 30 minutes (reference: the tz database, Australia/Lord_Howe).
describe('clinic-local times on pages, whatever the server TZ', () => {
  it('reads the clock across the 30-minute spring-forward gap', () => {
    expect(formatTime(Date.parse('2026-10-03T15:29:00Z'), 'Australia/Lord_Howe')).toBe('01:59');
    expect(formatTime(Date.parse('2026-10-03T15:30:00Z'), 'Australia/Lord_Howe')).toBe('02:30');
    expect(formatInstant(Date.parse('2026-10-03T15:30:00Z'), 'Australia/Lord_Howe')).toBe('Sun 4 Oct 2026 02:30');
  });

  it('shows the repeated half hour twice when the clocks go back', () => {
    expect(formatTime(Date.parse('2026-04-04T14:45:00Z'), 'Australia/Lord_Howe')).toBe('01:45');
    expect(formatTime(Date.parse('2026-04-04T15:15:00Z'), 'Australia/Lord_Howe')).toBe('01:45');
    expect(formatTime(Date.parse('2026-04-04T15:30:00Z'), 'Australia/Lord_Howe')).toBe('02:00');
  });

  it('prints midnight as 00:00 and a Chicago evening on its own date', () => {
    expect(formatTime(Date.parse('2026-03-08T06:00:00Z'), 'America/Chicago')).toBe('00:00');
    expect(formatInstant(Date.parse('2026-03-09T03:30:00Z'), 'America/Chicago')).toBe('Sun 8 Mar 2026 22:30');
  });
});
