CREATE TABLE `program_orders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`pump_id` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`timing` text NOT NULL,
	`spec` text NOT NULL,
	`reason` text DEFAULT '' NOT NULL,
	`base_program_id` integer,
	`ordered_by_id` text NOT NULL,
	`ordered_at` integer NOT NULL,
	`verified_by_id` text,
	`applied_program_id` integer,
	`applied_at` integer,
	`applied_by_id` text,
	`cancelled_at` integer,
	`cancelled_by_id` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`pump_id`) REFERENCES `pumps`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`base_program_id`) REFERENCES `drug_programs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ordered_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`verified_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`applied_program_id`) REFERENCES `drug_programs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`applied_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`cancelled_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `program_orders_pump_idx` ON `program_orders` (`pump_id`,`status`);--> statement-breakpoint
ALTER TABLE `appointments` ADD `late_reason` text;--> statement-breakpoint
ALTER TABLE `appointments` ADD `overbook_reason` text;--> statement-breakpoint
ALTER TABLE `clinics` ADD `discrepancy_floor_ul` integer DEFAULT 500 NOT NULL;--> statement-breakpoint
ALTER TABLE `clinics` ADD `discrepancy_limit_small_ul` integer DEFAULT 1000 NOT NULL;--> statement-breakpoint
ALTER TABLE `clinics` ADD `discrepancy_limit_large_ul` integer DEFAULT 2000 NOT NULL;--> statement-breakpoint
ALTER TABLE `clinics` ADD `stability_buffer_days` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `drug_programs` ADD `order_id` integer;--> statement-breakpoint
ALTER TABLE `drug_programs` ADD `verified_by_id` text REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `pump_forecasts` ADD `worst_alert_rank` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `refill_visits` ADD `bridge_bolus_ul` integer;--> statement-breakpoint
ALTER TABLE `refill_visits` ADD `discrepancy_severity` text;--> statement-breakpoint
ALTER TABLE `refill_visits` ADD `discrepancy_confirmed` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `refill_visits` ADD `discrepancy_reviewed_by_id` text REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `refill_visits` ADD `discrepancy_reviewed_at` integer;--> statement-breakpoint
ALTER TABLE `refill_visits` ADD `discrepancy_review_note` text;--> statement-breakpoint
ALTER TABLE `refill_visits` ADD `needle_placement_confirmed` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `refill_visits` ADD `residual_checked_before_fill` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `refill_visits` ADD `template_used` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `refill_visits` ADD `fill_confirmation_method` text;--> statement-breakpoint
ALTER TABLE `refill_visits` ADD `order_id` integer REFERENCES program_orders(id);--> statement-breakpoint
UPDATE `clinics` SET `discrepancy_limit_large_ul` = `discrepancy_min_ul`;
