PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_pump_forecasts` (
	`pump_id` integer PRIMARY KEY NOT NULL,
	`clinic_id` integer NOT NULL,
	`low_reservoir_alarm_at` integer,
	`empty_at` integer,
	`refill_due_on` text NOT NULL,
	`stability_expires_on` text NOT NULL,
	`daily_volume_ul` integer NOT NULL,
	`worst_case_daily_volume_ul` integer NOT NULL,
	`next_appointment_id` integer,
	`next_appointment_at` integer,
	`appointment_late` integer DEFAULT false NOT NULL,
	`computed_at` integer NOT NULL,
	FOREIGN KEY (`pump_id`) REFERENCES `pumps`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_pump_forecasts`("pump_id", "clinic_id", "low_reservoir_alarm_at", "empty_at", "refill_due_on", "stability_expires_on", "daily_volume_ul", "worst_case_daily_volume_ul", "next_appointment_id", "next_appointment_at", "appointment_late", "computed_at") SELECT "pump_id", "clinic_id", "low_reservoir_alarm_at", "empty_at", "refill_due_on", "stability_expires_on", "daily_volume_ul", "worst_case_daily_volume_ul", "next_appointment_id", "next_appointment_at", "appointment_late", "computed_at" FROM `pump_forecasts`;--> statement-breakpoint
DROP TABLE `pump_forecasts`;--> statement-breakpoint
ALTER TABLE `__new_pump_forecasts` RENAME TO `pump_forecasts`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `pump_forecasts_clinic_due_idx` ON `pump_forecasts` (`clinic_id`,`refill_due_on`);