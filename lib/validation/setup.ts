/** The first-run setup (`npm run setup`): the clinic and its first admin, checked as the settings and staff forms are. */
import { z } from 'zod';
import { settingsObject } from './settings';
import { createStaffSchema } from './staff';

export const setupSchema = z.object({
  clinicName: settingsObject.shape.name,
  timeZone: settingsObject.shape.timeZone,
  phone24h: settingsObject.shape.phone24h,
  adminName: createStaffSchema.shape.name,
  adminEmail: createStaffSchema.shape.email,
});

export type SetupInput = z.infer<typeof setupSchema>;
