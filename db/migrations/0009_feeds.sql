ALTER TABLE `feed_tokens` ADD `last_fetched_at` integer;--> statement-breakpoint
ALTER TABLE `patients` ADD `feed_first_name_consented_at` integer;--> statement-breakpoint
ALTER TABLE `patients` ADD `feed_first_name_consent_recorded_by_id` text REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `patients` ADD `feed_first_name_consent_changed_at` integer;--> statement-breakpoint
ALTER TABLE `pump_forecasts` ADD `dates_changed_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `clinics` DROP COLUMN `feed_shows_first_name`;--> statement-breakpoint
-- Backfill: a stored forecast's dates last changed no later than its computation (keeps SEQUENCE where it was).
UPDATE `pump_forecasts` SET `dates_changed_at` = `computed_at`;
