'use client';

import { useEffect, useRef, useState } from 'react';
import { clearDraft, loadDraft, saveDraft } from '@/app/(staff)/_components/draft-storage';
import type { RefillFormContext } from '@/db/queries/refills';
import { clockNow } from '@/lib/clock';
import { formatInstantIso, localDateOf } from '@/lib/domain/calendar';
import type { FillConfirmationMethod, ReplacedAppointmentAction } from '@/lib/domain/refill';
import { numberField, perUnit } from '../../_components/labels';

/** The refill form as typed: text fields as the nurse typed them, in the unit shown (mcg or mg). */
export interface RefillDraft {
  date: string;
  time: string;
  /** The visit time is "now" until the nurse types another one (a refill recorded after the fact). */
  timeEdited: boolean;
  aspirated: string;
  bolusesTaken: string;
  confirmDiscrepancy: boolean;
  residualChecked: boolean;
  needleConfirmed: boolean;
  templateUsed: boolean;
  method: FillConfirmationMethod | '';
  drugId: number;
  concentration: string;
  lot: string;
  expires: string;
  filled: string;
  bridgeGiven: boolean;
  bridgeMl: string;
  bridgeNote: string;
  confirmNoBridge: boolean;
  /** The physician's pending order is applied by default: its drug, concentration and dose are what goes in. */
  applyOrder: boolean;
  changeDose: boolean;
  newDose: string;
  appointmentChoices: Record<number, ReplacedAppointmentAction>;
  verifiedById: string;
  verifierPassword: string;
  notes: string;
}

export type UpdateDraft = (patch: Partial<RefillDraft>) => void;

const clockOf = (at: number, tz: string) => formatInstantIso(at, tz).slice(11, 16);

export function initialRefillDraft(context: RefillFormContext): RefillDraft {
  const { program, timeZone } = context;
  const order = context.pendingOrder;
  const f = perUnit(order ? order.doseUnit : program.doseUnit);
  return {
    date: localDateOf(context.now, timeZone),
    time: clockOf(context.now, timeZone),
    timeEdited: false,
    aspirated: '',
    bolusesTaken: '',
    confirmDiscrepancy: false,
    residualChecked: false,
    needleConfirmed: false,
    templateUsed: false,
    method: '',
    drugId: order?.drugId ?? program.drugId,
    concentration: numberField((order?.concentrationMcgPerMl ?? program.concentrationMcgPerMl) / f),
    lot: '',
    expires: '',
    // Empty until the nurse types what went in: a default of the full reservoir would be saved unread, and it
    // raised the "near capacity" warning before anything was typed (issue 18).
    filled: '',
    bridgeGiven: false,
    bridgeMl: '',
    bridgeNote: '',
    confirmNoBridge: false,
    applyOrder: order !== null,
    changeDose: false,
    newDose: numberField((program.continuousDoseMcgPerDay ?? program.dailyDoseMcg) / f),
    appointmentChoices: {},
    verifiedById: '',
    verifierPassword: '',
    notes: '',
  };
}

/**
 * What the kept draft was typed against: a refill or program change since then drops it (draft-storage.ts).
 * The pending order counts too, as it sets the drug and dose the form applies.
 */
export function draftBasis(context: RefillFormContext): string {
  return `${context.pump.id}:${context.lastVisitAt}:${context.program.id}:${context.pendingOrder?.id ?? ''}`;
}

/** What is kept of a draft: never the second person's password. */
function keptPart(draft: RefillDraft): Omit<RefillDraft, 'verifierPassword'> {
  const { verifierPassword: _secret, ...rest } = draft;
  return rest;
}

/** A kept draft over a fresh one: the visit time is "now" again unless the nurse had typed one. */
export function restoreRefillDraft(fresh: RefillDraft, kept: Partial<RefillDraft>): RefillDraft {
  const restored = { ...fresh, ...kept, verifierPassword: '' };
  return kept.timeEdited ? restored : { ...restored, date: fresh.date, time: fresh.time, timeEdited: false };
}

export interface RefillDraftState {
  draft: RefillDraft;
  update: UpdateDraft;
  /** The form was restored from a draft kept before a sign-out. */
  restored: boolean;
  /** After the visit is saved: nothing of it stays in the browser. */
  discard: () => void;
}

/**
 * The draft and a patch-style updater. With a storage key (user and pump) it is kept in sessionStorage as typed
 * and restored after signing in again in the same tab (issue 14, item 10). Restored after the first render, so
 * the server's HTML and the first client render agree.
 */
export function useRefillDraft(context: RefillFormContext, storageKey?: string): RefillDraftState {
  const [draft, setDraft] = useState(() => initialRefillDraft(context));
  const [restored, setRestored] = useState(false);
  const loaded = useRef(false);
  const basis = draftBasis(context);

  useEffect(() => {
    if (!storageKey || loaded.current) return;
    loaded.current = true;
    const kept = loadDraft<Partial<RefillDraft>>(window.sessionStorage, storageKey, basis);
    if (kept) {
      // sessionStorage exists only in the browser: read after hydration, so the server's HTML and the first client
      // render agree; one extra render, once, when a draft was kept.
      /* eslint-disable react-hooks/set-state-in-effect */
      setDraft((fresh) => restoreRefillDraft(fresh, kept));
      setRestored(true);
      /* eslint-enable react-hooks/set-state-in-effect */
    }
  }, [storageKey, basis]);

  const update: UpdateDraft = (patch) =>
    setDraft((d) => {
      const next = { ...d, ...patch };
      if (storageKey) saveDraft(window.sessionStorage, storageKey, basis, keptPart(next), clockNow());
      return next;
    });
  const discard = () => {
    if (storageKey) clearDraft(window.sessionStorage, storageKey);
  };
  return { draft, update, restored, discard };
}
