/** Drug products as the staff forms offer them. */
import type * as s from '../schema';

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
