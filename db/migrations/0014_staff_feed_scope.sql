CREATE TABLE `staff_feed_settings` (
	`user_id` text PRIMARY KEY NOT NULL,
	`scope` text NOT NULL,
	`updated_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
