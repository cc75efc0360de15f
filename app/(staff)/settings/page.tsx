import { getDb } from '@/db';
import { clinicNotificationSettings, dutyRoster } from '@/db/queries/notifications';
import { getClinicSettings } from '@/db/queries/settings';
import { can } from '@/lib/auth/permissions';
import { requirePageStaff } from '@/lib/auth/session';
import { env } from '@/lib/env';
import { NotificationSettings } from './_components/notification-settings';
import { SettingsForm } from './_components/settings-form';

export const metadata = { title: 'Clinic settings' };

export default async function SettingsPage() {
  const staff = await requirePageStaff('settings:read', '/settings');
  const settings = getClinicSettings(getDb(), staff.clinicId);
  const canWrite = can(staff.role, 'settings:write');
  const zones = Intl.supportedValuesOf('timeZone');
  return (
    <>
      <div className="page-head">
        <h1>Clinic settings</h1>
        <p className="muted">
          {canWrite
            ? 'Changes to the refill policy (time zone, buffer, due-soon window, clinic days, holidays, discrepancy thresholds) recompute every pump’s due date when you save.'
            : 'Only an admin can change these settings. Ask an admin if something here is wrong.'}
        </p>
      </div>
      <SettingsForm initial={settings} canWrite={canWrite} zones={zones} />
      <NotificationSettingsSection clinicId={staff.clinicId} canWrite={canWrite} />
    </>
  );
}

function NotificationSettingsSection({ clinicId, canWrite }: { clinicId: number; canWrite: boolean }) {
  const db = getDb();
  const { clinicId: _c, ...settings } = clinicNotificationSettings(db, clinicId);
  const config = env();
  return (
    <NotificationSettings
      initial={{ ...settings, configured: { email: !!config.SMTP_URL, sms: !!config.SMS_WEBHOOK_URL } }}
      roster={dutyRoster(db, clinicId)}
      canWrite={canWrite}
    />
  );
}
