CREATE TABLE `database_identity` (
	`id` integer PRIMARY KEY NOT NULL,
	`identity` text NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "database_identity_single_row" CHECK("database_identity"."id" = 1)
);
--> statement-breakpoint
-- This file's identity (db/schema.ts databaseIdentity): 128 random bits, written once.
INSERT INTO `database_identity` (`id`, `identity`, `created_at`) VALUES (1, lower(hex(randomblob(16))), CAST(unixepoch('subsec') * 1000 AS INTEGER));
