// The e2e suite's server: the same production build `npm start` serves, on a throwaway database.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureBuild } from './start.mjs';

const dbPath = process.env.DATABASE_PATH;
if (!dbPath) throw new Error('DATABASE_PATH must be set for the e2e server');
fs.rmSync(path.dirname(dbPath), { recursive: true, force: true });
ensureBuild();
const root = path.resolve(import.meta.dirname, '..');
const child = spawn(process.execPath, [path.join(root, 'scripts', 'serve.mjs')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, PORT: process.env.PORT ?? '3100', HOST: '127.0.0.1', NODE_ENV: 'production' },
});
const stop = () => {
  child.kill('SIGTERM');
  fs.rmSync(path.dirname(dbPath), { recursive: true, force: true });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
child.on('exit', (code) => process.exit(code ?? 0));
