-- Edited by hand: SQLite adds a NOT NULL column only with a constant default, so existing rows first get '',
-- then each its own random code (the format of newEmergencyCode in db/schema.ts: 24 hex digits, 96 bits)
-- before the unique index is built.
ALTER TABLE `clinics` ADD `emergency_code` text NOT NULL DEFAULT '';--> statement-breakpoint
UPDATE `clinics` SET `emergency_code` = lower(hex(randomblob(12))) WHERE `emergency_code` = '';--> statement-breakpoint
CREATE UNIQUE INDEX `clinics_emergency_code_unique` ON `clinics` (`emergency_code`);--> statement-breakpoint
-- A clinic inserted without a code (raw SQL; the app always sets one) gets one too, never a shared ''.
CREATE TRIGGER `clinics_emergency_code_default` AFTER INSERT ON `clinics` WHEN NEW.`emergency_code` = ''
BEGIN
  UPDATE `clinics` SET `emergency_code` = lower(hex(randomblob(12))) WHERE `id` = NEW.`id`;
END;
