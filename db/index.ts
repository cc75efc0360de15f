import 'server-only';
import { getDb } from './runtime';

export { getDb };
export type { Db } from './client';
