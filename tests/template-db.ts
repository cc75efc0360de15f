import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const templateDir = path.join(os.tmpdir(), `pump-tests-${process.pid}`);

export async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  fs.mkdirSync(templateDir, { recursive: true });
  const template = path.join(templateDir, 'template.db');
  const { openDatabase, closeDatabase } = await import('../db/client');
  const db = openDatabase(template);
  db.$client.pragma('wal_checkpoint(TRUNCATE)');
  closeDatabase(db);
  provide('templateDb', template);
  return () => fs.rmSync(templateDir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    templateDb: string;
  }
}
