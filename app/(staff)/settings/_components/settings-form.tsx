'use client';

import { useRouter } from 'next/navigation';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '@/lib/query/client';
import { saveSettings, settingsQuery, type ClinicSettings } from '@/lib/query/appointments';
import { refetchAfter } from '@/lib/query/keys';
import { settingsPatch, toDraft, type SetDraft, type SettingsDraft } from './settings-draft';
import {
  AppointmentsSection,
  ClinicDaysSection,
  ClinicSection,
  PolicySection,
  SecuritySection,
} from './settings-sections';

type SaveResult = { ok: boolean; text: string; conflict?: boolean } | null;

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
  const { data } = useQuery({ ...settingsQuery(), initialData: initial });
  const [draft, setDraft] = useState<SettingsDraft>(() => toDraft(initial));
  const [result, setResult] = useState<SaveResult>(null);
  const { mutation, fields, setFields } = useSaveSettings(setDraft, setResult);
  const set: SetDraft = (key, value) => setDraft((d) => ({ ...d, [key]: value }));

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setResult(null);
    mutation.mutate(settingsPatch(draft, data.version));
  }

  const section = { draft, set, fields };
  return (
    <form onSubmit={onSubmit} className="stack settings-form" noValidate aria-label="Clinic settings">
      <fieldset disabled={!canWrite || mutation.isPending} className="settings-sections">
        <legend className="sr-only">Clinic settings</legend>
        <ClinicSection {...section} zones={zones} />
        <PolicySection {...section} />
        <ClinicDaysSection {...section} canWrite={canWrite} />
        <AppointmentsSection {...section} />
        <SecuritySection {...section} />
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

/**
 * PATCH /api/v1/settings. A saved policy change recomputes every forecast: the answer says how many, and due
 * dates, capacity and the top bar's clinic name are refetched.
 */
function useSaveSettings(setDraft: (d: SettingsDraft) => void, setResult: (r: SaveResult) => void) {
  const client = useQueryClient();
  const router = useRouter();
  const [fields, setFields] = useState<Record<string, string>>({});
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
  return { mutation, fields, setFields };
}
