'use client';

import { useState } from 'react';
import type { RefillFormContext } from '@/db/queries/refills';
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
    filled: numberField(context.state.lastRefill.volumeMl),
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

/** The draft and a patch-style updater. */
export function useRefillDraft(context: RefillFormContext): [RefillDraft, UpdateDraft] {
  const [draft, setDraft] = useState(() => initialRefillDraft(context));
  return [draft, (patch) => setDraft((d) => ({ ...d, ...patch }))];
}
