CREATE TABLE `audience` (
	`id` text PRIMARY KEY NOT NULL,
	`page_id` text NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `page`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audience_page_name` ON `audience` (`page_id`,`name`);--> statement-breakpoint
CREATE TABLE `audience_member` (
	`id` text PRIMARY KEY NOT NULL,
	`audience_id` text NOT NULL,
	`email` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`audience_id`) REFERENCES `audience`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audience_member_unique` ON `audience_member` (`audience_id`,`email`);--> statement-breakpoint
CREATE INDEX `audience_member_email` ON `audience_member` (`email`);--> statement-breakpoint
CREATE TABLE `audience_note` (
	`id` text PRIMARY KEY NOT NULL,
	`update_id` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`update_id`) REFERENCES `incident_update`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audience_note_update` ON `audience_note` (`update_id`);--> statement-breakpoint
CREATE TABLE `audience_restriction` (
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`audience_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`entity_type`, `entity_id`, `audience_id`),
	FOREIGN KEY (`audience_id`) REFERENCES `audience`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audience_restriction_audience` ON `audience_restriction` (`audience_id`);--> statement-breakpoint
CREATE TABLE `viewer_magic_link` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`email` text NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `viewer_magic_link_token_hash_unique` ON `viewer_magic_link` (`token_hash`);--> statement-breakpoint
CREATE INDEX `viewer_magic_link_expires` ON `viewer_magic_link` (`expires_at`);--> statement-breakpoint
CREATE TABLE `viewer_settings` (
	`page_id` text PRIMARY KEY NOT NULL,
	`visibility` text DEFAULT 'public' NOT NULL,
	`magic_link_enabled` integer DEFAULT false NOT NULL,
	`allowed_domains` text DEFAULT '' NOT NULL,
	`password_hash` text,
	`ip_allow_list` text DEFAULT '' NOT NULL,
	`session_epoch` integer DEFAULT 1 NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `page`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `viewer_token` (
	`id` text PRIMARY KEY NOT NULL,
	`page_id` text NOT NULL,
	`email` text NOT NULL,
	`prefix` text NOT NULL,
	`token_hash` text NOT NULL,
	`revoked_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `page`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `viewer_token_token_hash_unique` ON `viewer_token` (`token_hash`);--> statement-breakpoint
CREATE INDEX `viewer_token_page` ON `viewer_token` (`page_id`);