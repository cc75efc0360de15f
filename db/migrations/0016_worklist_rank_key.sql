DROP INDEX `pump_forecasts_rank_idx`;--> statement-breakpoint
ALTER TABLE `pump_forecasts` ADD `rank_key` text;--> statement-breakpoint
ALTER TABLE `pump_forecasts` ADD `rank_valid_until` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `pump_forecasts_rank_key_idx` ON `pump_forecasts` (`clinic_id`,`rank_key`,`computed_at`,`rank_valid_until`);--> statement-breakpoint
CREATE INDEX `pump_forecasts_rank_valid_idx` ON `pump_forecasts` (`clinic_id`,`rank_valid_until`);--> statement-breakpoint
CREATE INDEX `pump_forecasts_computed_idx` ON `pump_forecasts` (`clinic_id`,`computed_at`);--> statement-breakpoint
-- No backfill: every existing row now has rank_valid_until 0, so the worklist ranks it live (the rule of
-- decision 006, exactly as before) until refreshForecasts stores its key, which start-up does for every pump
-- before the server answers (db/startup.ts). A stale key is never read. Decision 025.
SELECT 1;
