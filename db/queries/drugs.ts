/** Drug products as the staff forms offer them. */
import { asc } from 'drizzle-orm';
import { type Db } from '@/db/client';
import * as s from '../schema';
import { drugListOrder } from './dtos';

export interface DrugOption {
  id: number;
  name: string;
  product: string;
  doseUnit: 'mcg' | 'mg';
  concentrationsMcgPerMl: number[];
  stabilityDays: number;
}

/** A drug product as the forms offer it: concentrations in mcg/mL (mg/mL shown by `doseUnit`). */
export function drugOption(d: s.Drug): DrugOption {
  return {
    id: d.id,
    name: d.name,
    product: d.product,
    doseUnit: d.doseUnit,
    concentrationsMcgPerMl: d.concentrationsNgPerMl.map((c) => c / 1000),
    stabilityDays: d.stabilityDays,
  };
}

/** The pump-model and drug catalogue for the replacement form. */
export function catalogOptions(db: Pick<Db, 'select'>) {
  const models = db
    .select()
    .from(s.pumpModels)
    .orderBy(asc(s.pumpModels.manufacturer), asc(s.pumpModels.modelNumber))
    .all()
    .map((m) => ({
      id: m.id,
      label: `${m.manufacturer} ${m.name} ${m.modelNumber}`,
      kind: m.kind,
      reservoirMl: m.reservoirUl == null ? null : m.reservoirUl / 1000,
      defaultAlarmMl: m.defaultAlarmUl == null ? null : m.defaultAlarmUl / 1000,
    }));
  const drugs = db
    .select()
    .from(s.drugs)
    .orderBy(...drugListOrder)
    .all()
    .map(drugOption);
  return { models, drugs };
}
