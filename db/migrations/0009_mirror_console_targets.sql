CREATE TABLE `mirror_target_config` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`settings` text NOT NULL,
	`credentials_enc` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `mirror_target` ADD `push_requested` integer DEFAULT false NOT NULL;