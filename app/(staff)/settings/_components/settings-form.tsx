'use client';

import { useRouter } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Field } from '@/app/(staff)/_components/field';
import { ApiError } from '@/lib/query/client';
import { saveSettings, settingsQuery, type ClinicSettings } from '@/lib/query/appointments';
import { refetchAfter } from '@/lib/query/keys';
import { formatLocalDate } from '@/lib/format';
import { settingsHelp, settingsLimits, type ClinicSettingsValues } from '@/lib/validation/settings';

const WEEKDAYS = [
  [1, 'Monday'],
  [2, 'Tuesday'],
  [3, 'Wednesday'],
  [4, 'Thursday'],
  [5, 'Friday'],
  [6, 'Saturday'],
  [7, 'Sunday'],
] as const;

/** Form state: numbers as the text typed, so a half-typed value is not coerced. */
type Draft = Omit<ClinicSettingsValues, keyof typeof settingsLimits> &
  Record<keyof typeof settingsLimits, string>;

function toDraft(s: ClinicSettings): Draft {
  return {
    name: s.name,
    timeZone: s.timeZone,
    phone24h: s.phone24h,
    phoneOffice: s.phoneOffice,
    address: s.address,
    clinicWeekdays: s.clinicWeekdays,
    holidays: s.holidays,
    dayStartsAt: s.dayStartsAt,
    dayEndsAt: s.dayEndsAt,
    feedShowsFirstName: s.feedShowsFirstName,
    bufferDays: String(s.bufferDays),
    dueSoonDays: String(s.dueSoonDays),
    accuracyPct: String(s.accuracyPct),
    discrepancyFloorMl: String(s.discrepancyFloorMl),
    discrepancyLimitSmallMl: String(s.discrepancyLimitSmallMl),
    discrepancyLimitLargeMl: String(s.discrepancyLimitLargeMl),
    stabilityBufferDays: String(s.stabilityBufferDays),
    dailyCapacity: String(s.dailyCapacity),
    slotMinutes: String(s.slotMinutes),
    idleTimeoutMinutes: String(s.idleTimeoutMinutes),
  };
}

/** A typed number, or the text itself so that the server names the field ("must be a number"). */
const num = (v: string): number | string => (v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v);

export function SettingsForm({
  initial,
  canWrite,
  zones,
}: {
  initial: ClinicSettings;
  canWrite: boolean;
  zones: string[];
}) {
  const client = useQueryClient();
  const router = useRouter();
  const { data } = useQuery({ ...settingsQuery(), initialData: initial });
  const [draft, setDraft] = useState<Draft>(() => toDraft(initial));
  const [newHoliday, setNewHoliday] = useState('');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [result, setResult] = useState<{ ok: boolean; text: string; conflict?: boolean } | null>(null);

  const mutation = useMutation({
    mutationFn: saveSettings,
    onSuccess: async ({ settings, forecastsRefreshed }) => {
      setFields({});
      client.setQueryData(settingsQuery().queryKey, settings);
      setDraft(toDraft(settings));
      setResult({
        ok: true,
        text:
          forecastsRefreshed != null
            ? `Saved. The refill policy changed: ${forecastsRefreshed} pump forecast${forecastsRefreshed === 1 ? ' was' : 's were'} recomputed.`
            : 'Saved.',
      });
      // Due dates, capacity and the top bar's clinic name may all have changed.
      await refetchAfter(client, 'schedule');
      router.refresh();
    },
    onError: (e) => {
      if (e instanceof ApiError) {
        setFields(e.fields);
        setResult({
          ok: false,
          conflict: e.status === 409,
          text:
            e.status === 400 && Object.keys(e.fields).length
              ? 'Nothing was saved: correct the fields marked in red.'
              : e.message,
        });
      } else setResult({ ok: false, text: 'The server could not be reached. Nothing was saved.' });
    },
  });

  function set<K extends keyof Draft>(key: K, value: Draft[K]) {
    setDraft((d) => ({ ...d, [key]: value }));
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setResult(null);
    mutation.mutate({
      version: data.version,
      name: draft.name,
      timeZone: draft.timeZone.trim(),
      phone24h: draft.phone24h,
      phoneOffice: draft.phoneOffice,
      address: draft.address,
      clinicWeekdays: draft.clinicWeekdays,
      holidays: draft.holidays,
      dayStartsAt: draft.dayStartsAt,
      dayEndsAt: draft.dayEndsAt,
      feedShowsFirstName: draft.feedShowsFirstName,
      bufferDays: num(draft.bufferDays),
      dueSoonDays: num(draft.dueSoonDays),
      accuracyPct: num(draft.accuracyPct),
      discrepancyFloorMl: num(draft.discrepancyFloorMl),
      discrepancyLimitSmallMl: num(draft.discrepancyLimitSmallMl),
      discrepancyLimitLargeMl: num(draft.discrepancyLimitLargeMl),
      stabilityBufferDays: num(draft.stabilityBufferDays),
      dailyCapacity: num(draft.dailyCapacity),
      slotMinutes: num(draft.slotMinutes),
      idleTimeoutMinutes: num(draft.idleTimeoutMinutes),
    } as Parameters<typeof saveSettings>[0]);
  }

  function addHoliday() {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(newHoliday)) {
      setFields((f) => ({ ...f, newHoliday: 'Enter a date, YYYY-MM-DD.' }));
      return;
    }
    if (draft.holidays.includes(newHoliday)) {
      setFields((f) => ({ ...f, newHoliday: `${formatLocalDate(newHoliday)} is already listed.` }));
      return;
    }
    setFields(({ newHoliday: _, ...f }) => f);
    set('holidays', [...draft.holidays, newHoliday].sort());
    setNewHoliday('');
  }

  const limit = (key: keyof typeof settingsLimits) => ({
    min: settingsLimits[key].min,
    max: settingsLimits[key].max,
  });
  const numberField = (key: keyof typeof settingsLimits, label: string, step = 1) => (
    <Field
      label={`${label} (${settingsLimits[key].unit})`}
      error={fields[key]}
      help={settingsHelp[key as keyof typeof settingsHelp]}
    >
      {(p) => (
        <input
          {...p}
          type="number"
          inputMode={step === 1 ? 'numeric' : 'decimal'}
          step={step}
          {...limit(key)}
          value={draft[key]}
          onChange={(e) => set(key, e.target.value)}
          required
        />
      )}
    </Field>
  );
  const holidayErrors = Object.entries(fields).filter(([k]) => k === 'holidays' || k.startsWith('holidays.'));

  return (
    <form onSubmit={onSubmit} className="stack settings-form" noValidate aria-label="Clinic settings">
      <fieldset disabled={!canWrite || mutation.isPending} className="settings-sections">
        <legend className="sr-only">Clinic settings</legend>
        <fieldset className="sched-fieldset">
          <legend>Clinic</legend>
          <div className="grid-2">
            <Field label="Clinic name" error={fields.name} help={settingsHelp.name}>
              {(p) => (
                <input
                  {...p}
                  value={draft.name}
                  onChange={(e) => set('name', e.target.value)}
                  maxLength={120}
                  required
                />
              )}
            </Field>
            <Field label="Time zone" error={fields.timeZone} help={settingsHelp.timeZone}>
              {(p) => (
                <>
                  <input
                    {...p}
                    list="settings-zones"
                    value={draft.timeZone}
                    onChange={(e) => set('timeZone', e.target.value)}
                    autoComplete="off"
                    spellCheck={false}
                    required
                  />
                  <datalist id="settings-zones">
                    {zones.map((z) => (
                      <option key={z} value={z} />
                    ))}
                  </datalist>
                </>
              )}
            </Field>
            <Field label="24/7 pump phone" error={fields.phone24h} help={settingsHelp.phone24h}>
              {(p) => (
                <input
                  {...p}
                  type="tel"
                  value={draft.phone24h}
                  onChange={(e) => set('phone24h', e.target.value)}
                  maxLength={40}
                  required
                />
              )}
            </Field>
            <Field label="Office phone" error={fields.phoneOffice} help={settingsHelp.phoneOffice}>
              {(p) => (
                <input
                  {...p}
                  type="tel"
                  value={draft.phoneOffice}
                  onChange={(e) => set('phoneOffice', e.target.value)}
                  maxLength={40}
                />
              )}
            </Field>
            <Field
              label="Address"
              error={fields.address}
              help={settingsHelp.address}
              className="settings-wide"
            >
              {(p) => (
                <textarea
                  {...p}
                  rows={2}
                  value={draft.address}
                  onChange={(e) => set('address', e.target.value)}
                  maxLength={300}
                />
              )}
            </Field>
          </div>
        </fieldset>

        <fieldset className="sched-fieldset">
          <legend>Refill policy</legend>
          <div className="grid-2">
            {numberField('bufferDays', 'Buffer before the alarm date')}
            {numberField('dueSoonDays', 'Due-soon window')}
            {numberField('stabilityBufferDays', 'Buffer before the drug’s stability limit')}
            {numberField('accuracyPct', 'Device accuracy')}
            {numberField('discrepancyFloorMl', 'Discrepancy measurement floor', 0.001)}
            {numberField('discrepancyLimitSmallMl', 'Discrepancy limit, reservoirs up to 20 mL', 0.001)}
            {numberField('discrepancyLimitLargeMl', 'Discrepancy limit, larger reservoirs', 0.001)}
          </div>
        </fieldset>

        <fieldset className="sched-fieldset">
          <legend>Clinic days</legend>
          <fieldset className="settings-weekdays" aria-describedby="settings-weekdays-help">
            <legend>Weekdays the clinic refills pumps</legend>
            <div className="settings-checks">
              {WEEKDAYS.map(([n, name]) => (
                <label key={n} className="inline">
                  <input
                    type="checkbox"
                    checked={draft.clinicWeekdays.includes(n)}
                    onChange={(e) =>
                      set(
                        'clinicWeekdays',
                        e.target.checked
                          ? [...draft.clinicWeekdays, n].sort((a, b) => a - b)
                          : draft.clinicWeekdays.filter((d) => d !== n),
                      )
                    }
                  />
                  {name}
                </label>
              ))}
            </div>
            <span id="settings-weekdays-help" className="sched-help">
              {settingsHelp.clinicWeekdays}
            </span>
            {fields.clinicWeekdays && <span className="field-error">{fields.clinicWeekdays}</span>}
          </fieldset>

          <div className="settings-holidays">
            <h3 id="settings-holidays-heading">Holidays</h3>
            <p className="sched-help">{settingsHelp.holidays}</p>
            {draft.holidays.length === 0 ? (
              <p className="muted small">No holidays listed.</p>
            ) : (
              <ul aria-labelledby="settings-holidays-heading" className="settings-holiday-list">
                {draft.holidays.map((h) => (
                  <li key={h}>
                    <span>
                      {formatLocalDate(h)} <span className="muted small">({h})</span>
                    </span>
                    {canWrite && (
                      <button
                        type="button"
                        className="small secondary"
                        onClick={() =>
                          set(
                            'holidays',
                            draft.holidays.filter((d) => d !== h),
                          )
                        }
                      >
                        Remove<span className="sr-only"> holiday {formatLocalDate(h)}</span>
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {holidayErrors.map(([k, v]) => (
              <span key={k} className="field-error">
                {k === 'holidays' ? v : `${draft.holidays[Number(k.split('.')[1])] ?? k}: ${v}`}
              </span>
            ))}
            {canWrite && (
              <div className="settings-add-holiday">
                <Field label="Add a holiday" error={fields.newHoliday}>
                  {(p) => (
                    <input
                      {...p}
                      type="date"
                      value={newHoliday}
                      onChange={(e) => setNewHoliday(e.target.value)}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter') {
                          e.preventDefault();
                          addHoliday();
                        }
                      }}
                    />
                  )}
                </Field>
                <button type="button" className="secondary" onClick={addHoliday}>
                  Add holiday
                </button>
              </div>
            )}
          </div>
        </fieldset>

        <fieldset className="sched-fieldset">
          <legend>Appointments</legend>
          <div className="grid-2">
            {numberField('dailyCapacity', 'Daily capacity')}
            {numberField('slotMinutes', 'Slot length')}
            <Field label="Opening time" error={fields.dayStartsAt} help={settingsHelp.dayStartsAt}>
              {(p) => (
                <input
                  {...p}
                  type="time"
                  step={300}
                  value={draft.dayStartsAt}
                  onChange={(e) => set('dayStartsAt', e.target.value)}
                  required
                />
              )}
            </Field>
            <Field label="Closing time" error={fields.dayEndsAt} help={settingsHelp.dayEndsAt}>
              {(p) => (
                <input
                  {...p}
                  type="time"
                  step={300}
                  value={draft.dayEndsAt}
                  onChange={(e) => set('dayEndsAt', e.target.value)}
                  required
                />
              )}
            </Field>
          </div>
        </fieldset>

        <fieldset className="sched-fieldset">
          <legend>Security and privacy</legend>
          <div className="grid-2">
            {numberField('idleTimeoutMinutes', 'Idle sign-out')}
            <div className="sched-field">
              <label className="inline">
                <input
                  type="checkbox"
                  checked={draft.feedShowsFirstName}
                  onChange={(e) => set('feedShowsFirstName', e.target.checked)}
                  aria-describedby="settings-feed-help"
                />
                Patient feeds show the first name
              </label>
              <span id="settings-feed-help" className="sched-help">
                {settingsHelp.feedShowsFirstName}
              </span>
              {fields.feedShowsFirstName && <span className="field-error">{fields.feedShowsFirstName}</span>}
            </div>
          </div>
        </fieldset>
      </fieldset>

      {result && (
        <div
          role={result.ok ? 'status' : 'alert'}
          className={`notice ${result.ok ? '' : result.conflict ? 'warn' : 'danger'}`}
        >
          {result.text}
          {result.conflict && (
            <>
              {' '}
              <button
                type="button"
                className="small secondary"
                onClick={() =>
                  void client.fetchQuery({ ...settingsQuery(), staleTime: 0 }).then((fresh) => {
                    setDraft(toDraft(fresh));
                    setResult({
                      ok: true,
                      text: 'Loaded the latest settings. Make your changes again, then save.',
                    });
                  })
                }
              >
                Load the latest settings
              </button>
            </>
          )}
        </div>
      )}
      {canWrite && (
        <div className="settings-actions">
          <button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? 'Saving…' : 'Save settings'}
          </button>
          <button
            type="button"
            className="secondary"
            disabled={mutation.isPending}
            onClick={() => {
              setDraft(toDraft(data));
              setFields({});
              setResult(null);
            }}
          >
            Undo changes
          </button>
        </div>
      )}
    </form>
  );
}
