/**
 * Child process of crash.test.ts: one notification run against the database and SMTP server it is given, at a
 * fixed time, as the server's worker does. The parent kills it with SIGKILL while a message is on the wire.
 *
 *   node --import tsx tests/notifications/send-child.ts <db> <smtpUrl> <now>
 */
import { openDatabase } from '../../db/client';
import { notificationEnvironment, runNotifications } from '../../db/notifications-worker';
import { parseEnv } from '../../lib/env';
import { emailTransport } from '../../lib/notifications/transports';

const [file, smtpUrl, nowArg] = process.argv.slice(2);
if (!file || !smtpUrl || !nowArg) {
  console.error('usage: send-child.ts <db> <smtpUrl> <now>');
  process.exit(2);
}
const db = openDatabase(file);
const email = emailTransport(smtpUrl, 'reminders@clinic.test');
const environment = notificationEnvironment(parseEnv({ SMTP_URL: smtpUrl, SMTP_FROM: 'reminders@clinic.test', PUBLIC_URL: 'https://pumps.example.org' }));
const result = await runNotifications(db, { email: email.send, sms: null, close: email.close }, environment, () => Number(nowArg));
email.close();
console.log(`done ${JSON.stringify(result)}`);
