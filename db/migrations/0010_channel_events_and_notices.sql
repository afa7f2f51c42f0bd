CREATE TABLE `channel_notice` (
	`id` text PRIMARY KEY NOT NULL,
	`target_id` text NOT NULL,
	`to_address` text NOT NULL,
	`from_address` text NOT NULL,
	`subject` text NOT NULL,
	`html` text NOT NULL,
	`text` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_owner` text,
	`lease_until` integer,
	`last_error` text,
	`sent_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`target_id`) REFERENCES `channel_target`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `channel_notice_due` ON `channel_notice` (`status`,`next_attempt_at`);--> statement-breakpoint
ALTER TABLE `notification` ADD `component_status_change_id` text;--> statement-breakpoint
ALTER TABLE `subscriber` ADD `events` text DEFAULT '["incidents","maintenance"]' NOT NULL;