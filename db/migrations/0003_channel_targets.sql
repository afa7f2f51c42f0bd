CREATE TABLE `channel_delivery` (
	`id` text PRIMARY KEY NOT NULL,
	`notification_id` text NOT NULL,
	`target_id` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_owner` text,
	`lease_until` integer,
	`last_status` integer,
	`last_error` text,
	`sent_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`notification_id`) REFERENCES `notification`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`target_id`) REFERENCES `channel_target`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channel_delivery_notification_target` ON `channel_delivery` (`notification_id`,`target_id`);--> statement-breakpoint
CREATE INDEX `channel_delivery_due` ON `channel_delivery` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `channel_delivery_target` ON `channel_delivery` (`target_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `channel_payload` (
	`notification_id` text NOT NULL,
	`kind` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`notification_id`, `kind`),
	FOREIGN KEY (`notification_id`) REFERENCES `notification`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `channel_target` (
	`id` text PRIMARY KEY NOT NULL,
	`page_id` text NOT NULL,
	`kind` text NOT NULL,
	`state` text NOT NULL,
	`url_enc` text NOT NULL,
	`url_hash` text NOT NULL,
	`label` text NOT NULL,
	`host` text NOT NULL,
	`secret_enc` text,
	`owner_email` text,
	`events` text NOT NULL,
	`verify_code_hash` text,
	`verify_attempts` integer DEFAULT 0 NOT NULL,
	`manage_token_hash` text NOT NULL,
	`manage_token_enc` text NOT NULL,
	`added_by` text NOT NULL,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`verified_at` integer,
	`disabled_at` integer,
	`disabled_reason` text,
	`unsubscribed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `page`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channel_target_live_url` ON `channel_target` (`page_id`,`url_hash`) WHERE state in ('pending', 'active', 'disabled');--> statement-breakpoint
CREATE INDEX `channel_target_page_state` ON `channel_target` (`page_id`,`state`);--> statement-breakpoint
CREATE UNIQUE INDEX `channel_target_manage_token` ON `channel_target` (`manage_token_hash`);--> statement-breakpoint
CREATE TABLE `channel_target_component` (
	`target_id` text NOT NULL,
	`component_id` text NOT NULL,
	PRIMARY KEY(`target_id`, `component_id`),
	FOREIGN KEY (`target_id`) REFERENCES `channel_target`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`component_id`) REFERENCES `component`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `channel_target_component_component` ON `channel_target_component` (`component_id`);