CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`user_id` text NOT NULL,
	`access_token` text,
	`refresh_token` text,
	`id_token` text,
	`access_token_expires_at` integer,
	`refresh_token_expires_at` integer,
	`scope` text,
	`password` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `accounts_user_idx` ON `accounts` (`user_id`);--> statement-breakpoint
CREATE TABLE `alert_acknowledgements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pump_id` integer NOT NULL,
	`code` text NOT NULL,
	`action` text NOT NULL,
	`severity` text NOT NULL,
	`reason` text NOT NULL,
	`snoozed_until` integer,
	`by_user_id` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`pump_id`) REFERENCES `pumps`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `alert_ack_pump_idx` ON `alert_acknowledgements` (`pump_id`,`code`);--> statement-breakpoint
CREATE TABLE `api_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);--> statement-breakpoint
CREATE TABLE `appointments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pump_id` integer NOT NULL,
	`starts_at` integer NOT NULL,
	`duration_minutes` integer DEFAULT 30 NOT NULL,
	`type` text DEFAULT 'refill' NOT NULL,
	`status` text DEFAULT 'booked' NOT NULL,
	`sequence` integer DEFAULT 0 NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`created_by_id` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`pump_id`) REFERENCES `pumps`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `appointments_pump_idx` ON `appointments` (`pump_id`,`status`,`starts_at`);--> statement-breakpoint
CREATE INDEX `appointments_starts_idx` ON `appointments` (`starts_at`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`clinic_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`actor_id` text,
	`actor_label` text NOT NULL,
	`action` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text,
	`before` text,
	`after` text,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_clinic_at_idx` ON `audit_log` (`clinic_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `audit_entity_idx` ON `audit_log` (`entity`,`entity_id`);--> statement-breakpoint
CREATE TABLE `card_prints` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pump_id` integer NOT NULL,
	`kind` text NOT NULL,
	`program_id` integer,
	`refill_visit_id` integer,
	`by_user_id` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`pump_id`) REFERENCES `pumps`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`program_id`) REFERENCES `drug_programs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`refill_visit_id`) REFERENCES `refill_visits`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `card_prints_pump_idx` ON `card_prints` (`pump_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `clinics` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`time_zone` text NOT NULL,
	`phone_24h` text NOT NULL,
	`phone_office` text,
	`address` text DEFAULT '' NOT NULL,
	`buffer_days` integer DEFAULT 7 NOT NULL,
	`due_soon_days` integer DEFAULT 14 NOT NULL,
	`clinic_weekdays` text NOT NULL,
	`holidays` text NOT NULL,
	`accuracy_pct` integer DEFAULT 15 NOT NULL,
	`discrepancy_min_ul` integer DEFAULT 2000 NOT NULL,
	`daily_capacity` integer DEFAULT 12 NOT NULL,
	`day_starts_at` text DEFAULT '08:30' NOT NULL,
	`day_ends_at` text DEFAULT '16:30' NOT NULL,
	`slot_minutes` integer DEFAULT 30 NOT NULL,
	`idle_timeout_minutes` integer DEFAULT 15 NOT NULL,
	`feed_shows_first_name` integer DEFAULT false NOT NULL,
	`is_demo` integer DEFAULT false NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `drug_programs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pump_id` integer NOT NULL,
	`version_no` integer NOT NULL,
	`drug_id` integer NOT NULL,
	`concentration_ng_per_ml` integer NOT NULL,
	`mode` text NOT NULL,
	`dose_ng_per_day` integer NOT NULL,
	`flex_steps` text,
	`periodic_boluses` text,
	`patient_bolus_dose_ng` integer,
	`patient_bolus_max_per_day` integer,
	`effective_at` integer NOT NULL,
	`superseded_at` integer,
	`prescriber_id` text,
	`reason` text DEFAULT '' NOT NULL,
	`created_by_id` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`pump_id`) REFERENCES `pumps`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`drug_id`) REFERENCES `drugs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`prescriber_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `drug_programs_pump_version_uq` ON `drug_programs` (`pump_id`,`version_no`);--> statement-breakpoint
CREATE UNIQUE INDEX `drug_programs_one_active_uq` ON `drug_programs` (`pump_id`) WHERE superseded_at is null;--> statement-breakpoint
CREATE TABLE `drugs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`product` text NOT NULL,
	`dose_unit` text DEFAULT 'mcg' NOT NULL,
	`concentrations_ng_per_ml` text NOT NULL,
	`stability_days` integer NOT NULL,
	`initial_fill_days` integer,
	`usual_max_dose_ng_per_day` integer,
	`withdrawal_risk` text NOT NULL,
	`source` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `feed_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`clinic_id` integer NOT NULL,
	`patient_id` integer,
	`user_id` text,
	`token_hash` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `feed_tokens_token_hash_unique` ON `feed_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `feed_tokens_patient_idx` ON `feed_tokens` (`patient_id`);--> statement-breakpoint
CREATE TABLE `patients` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`clinic_id` integer NOT NULL,
	`mrn` text NOT NULL,
	`given_name` text NOT NULL,
	`family_name` text NOT NULL,
	`date_of_birth` text NOT NULL,
	`phone` text DEFAULT '' NOT NULL,
	`address` text DEFAULT '' NOT NULL,
	`caregiver_name` text DEFAULT '' NOT NULL,
	`caregiver_phone` text DEFAULT '' NOT NULL,
	`spasticity_origin` text NOT NULL,
	`risk_injury_t6_or_above` integer DEFAULT false NOT NULL,
	`risk_communication` integer DEFAULT false NOT NULL,
	`risk_prior_withdrawal` integer DEFAULT false NOT NULL,
	`risk_hearing_impaired` integer DEFAULT false NOT NULL,
	`backup_oral_plan` text DEFAULT '' NOT NULL,
	`allergies` text DEFAULT '' NOT NULL,
	`managing_physician_id` text,
	`notes` text DEFAULT '' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`managing_physician_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `patients_clinic_mrn_uq` ON `patients` (`clinic_id`,`mrn`);--> statement-breakpoint
CREATE INDEX `patients_clinic_family_idx` ON `patients` (`clinic_id`,`family_name`);--> statement-breakpoint
CREATE TABLE `pump_forecasts` (
	`pump_id` integer PRIMARY KEY NOT NULL,
	`clinic_id` integer NOT NULL,
	`low_reservoir_alarm_at` integer NOT NULL,
	`empty_at` integer NOT NULL,
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
CREATE INDEX `pump_forecasts_clinic_due_idx` ON `pump_forecasts` (`clinic_id`,`refill_due_on`);--> statement-breakpoint
CREATE TABLE `pump_models` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`manufacturer` text NOT NULL,
	`name` text NOT NULL,
	`model_number` text NOT NULL,
	`kind` text NOT NULL,
	`reservoir_ul` integer,
	`default_alarm_ul` integer,
	`nominal_flow_ul_per_day` integer,
	`max_service_years` integer,
	`eri_to_stop_days` integer,
	`accuracy_pct` integer,
	`mri_rule` text DEFAULT 'unknown' NOT NULL,
	`mri_note` text,
	`has_catheter_access_port` integer,
	`support_phone` text,
	`labeled_drugs` text NOT NULL,
	`source` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `pump_models_number_uq` ON `pump_models` (`manufacturer`,`model_number`);--> statement-breakpoint
CREATE TABLE `pumps` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`patient_id` integer NOT NULL,
	`model_id` integer NOT NULL,
	`serial` text NOT NULL,
	`implanted_on` text NOT NULL,
	`alarm_ul` integer NOT NULL,
	`reservoir_ul` integer NOT NULL,
	`flow_ul_per_day` integer,
	`catheter_volume_ul` integer,
	`pathway_volume_ul` integer,
	`status` text DEFAULT 'active' NOT NULL,
	`explanted_on` text,
	`eri_recorded_on` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`model_id`) REFERENCES `pump_models`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `pumps_patient_idx` ON `pumps` (`patient_id`);--> statement-breakpoint
CREATE INDEX `pumps_status_idx` ON `pumps` (`status`);--> statement-breakpoint
CREATE TABLE `refill_visits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pump_id` integer NOT NULL,
	`kind` text DEFAULT 'refill' NOT NULL,
	`performed_at` integer NOT NULL,
	`performed_by_id` text,
	`performed_by_name` text DEFAULT '' NOT NULL,
	`verified_by_id` text,
	`verified_by_name` text DEFAULT '' NOT NULL,
	`expected_residual_ul` integer,
	`aspirated_residual_ul` integer,
	`volume_filled_ul` integer NOT NULL,
	`reservoir_after_ul` integer NOT NULL,
	`drug_id` integer NOT NULL,
	`drug_lot` text DEFAULT '' NOT NULL,
	`drug_expires_on` text,
	`concentration_ng_per_ml` integer NOT NULL,
	`program_id` integer,
	`program_changed` integer DEFAULT false NOT NULL,
	`bridge_bolus_given` integer DEFAULT false NOT NULL,
	`bridge_bolus_note` text DEFAULT '' NOT NULL,
	`discrepancy_ul` integer,
	`discrepancy_flag` text,
	`notes` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`pump_id`) REFERENCES `pumps`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`performed_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`verified_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`drug_id`) REFERENCES `drugs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`program_id`) REFERENCES `drug_programs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `refill_visits_pump_at_idx` ON `refill_visits` (`pump_id`,`performed_at`);--> statement-breakpoint
CREATE TABLE `session_activity` (
	`session_id` text PRIMARY KEY NOT NULL,
	`last_active_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL,
	`token` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`ip_address` text,
	`user_agent` text,
	`impersonated_by` text,
	`user_id` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_token_unique` ON `sessions` (`token`);--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `sign_in_attempts` (
	`email` text PRIMARY KEY NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`locked_until` integer,
	`last_failure_at` integer
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`email_verified` integer DEFAULT false NOT NULL,
	`image` text,
	`clinic_id` integer,
	`role` text DEFAULT 'nurse' NOT NULL,
	`banned` integer DEFAULT false,
	`ban_reason` text,
	`ban_expires` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE INDEX `users_clinic_idx` ON `users` (`clinic_id`);--> statement-breakpoint
CREATE TABLE `verifications` (
	`id` text PRIMARY KEY NOT NULL,
	`identifier` text NOT NULL,
	`value` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer,
	`updated_at` integer
);
