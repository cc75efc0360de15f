CREATE TABLE `clinic_notification_settings` (
	`clinic_id` integer PRIMARY KEY NOT NULL,
	`evening_reminder_at` text DEFAULT '18:00' NOT NULL,
	`morning_reminder_at` text DEFAULT '07:00' NOT NULL,
	`digest_at` text DEFAULT '07:30' NOT NULL,
	`escalate_after_minutes` integer DEFAULT 60 NOT NULL,
	`on_call_name` text DEFAULT '' NOT NULL,
	`on_call_email` text DEFAULT '' NOT NULL,
	`on_call_phone` text DEFAULT '' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`clinic_id` integer NOT NULL,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`channel` text NOT NULL,
	`patient_id` integer,
	`pump_id` integer,
	`user_id` text,
	`appointment_id` integer,
	`appointment_starts_at` integer,
	`refill_due_on` text,
	`about_notification_id` integer,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`message_id` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`expires_at` integer NOT NULL,
	`last_error` text,
	`sent_at` integer,
	`failed_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`pump_id`) REFERENCES `pumps`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`appointment_id`) REFERENCES `appointments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_key_unique` ON `notifications` (`key`);--> statement-breakpoint
CREATE INDEX `notifications_due_idx` ON `notifications` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `notifications_patient_idx` ON `notifications` (`patient_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `staff_notification_settings` (
	`user_id` text PRIMARY KEY NOT NULL,
	`on_duty` integer DEFAULT false NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `patients` ADD `reminder_email` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `patients` ADD `email_reminders_consented_at` integer;--> statement-breakpoint
ALTER TABLE `patients` ADD `sms_reminders_consented_at` integer;--> statement-breakpoint
ALTER TABLE `patients` ADD `reminder_consent_recorded_by_id` text REFERENCES users(id);