CREATE TABLE `attendance_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`clinic_id` integer NOT NULL,
	`appointment_id` integer NOT NULL,
	`token_hash` text NOT NULL,
	`appointment_starts_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`response` text,
	`note` text DEFAULT '' NOT NULL,
	`responded_at` integer,
	`handled_at` integer,
	`handled_by_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`appointment_id`) REFERENCES `appointments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`handled_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `attendance_links_token_hash_unique` ON `attendance_links` (`token_hash`);--> statement-breakpoint
CREATE INDEX `attendance_links_appointment_idx` ON `attendance_links` (`appointment_id`);--> statement-breakpoint
CREATE INDEX `attendance_links_queue_idx` ON `attendance_links` (`clinic_id`,`response`,`handled_at`);--> statement-breakpoint
CREATE TABLE `contact_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`clinic_id` integer NOT NULL,
	`patient_id` integer NOT NULL,
	`outcome` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`by_id` text NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `contact_attempts_patient_idx` ON `contact_attempts` (`patient_id`,`at`);--> statement-breakpoint
CREATE TABLE `follow_up_tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`clinic_id` integer NOT NULL,
	`patient_id` integer NOT NULL,
	`contact_attempt_id` integer NOT NULL,
	`due_on` text NOT NULL,
	`assignee_id` text NOT NULL,
	`done_at` integer,
	`done_by_id` text,
	`created_by_id` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`clinic_id`) REFERENCES `clinics`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_attempt_id`) REFERENCES `contact_attempts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`assignee_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`done_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `follow_up_tasks_open_idx` ON `follow_up_tasks` (`clinic_id`,`done_at`,`due_on`);--> statement-breakpoint
CREATE INDEX `follow_up_tasks_patient_idx` ON `follow_up_tasks` (`patient_id`);