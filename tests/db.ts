/** A fresh, migrated database per call: a copy of the template made once in global setup. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { openDatabase, type Db } from '../db/client';

export function freshDb(): Db {
  const template = inject('templateDb');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pump-db-'));
  const file = path.join(dir, 'test.db');
  fs.copyFileSync(template, file);
  return openDatabase(file);
}
