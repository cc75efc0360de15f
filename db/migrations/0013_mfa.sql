CREATE TABLE `two_factors` (
	`id` text PRIMARY KEY NOT NULL,
	`secret` text NOT NULL,
	`backup_codes` text NOT NULL,
	`user_id` text NOT NULL,
	`verified` integer DEFAULT true,
	`failed_verification_count` integer DEFAULT 0,
	`locked_until` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `two_factors_user_idx` ON `two_factors` (`user_id`);--> statement-breakpoint
ALTER TABLE `clinics` ADD `mfa_required_roles` text DEFAULT '["admin","physician"]' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `two_factor_enabled` integer DEFAULT false NOT NULL;--> statement-breakpoint
-- A demo clinic already seeded keeps its README sign-ins working without an authenticator (issue 14, item 4).
UPDATE `clinics` SET `mfa_required_roles` = '[]' WHERE `is_demo` = 1;
