CREATE TABLE `automation_component` (
	`component_id` text PRIMARY KEY NOT NULL,
	`page_id` text NOT NULL,
	`wanted` text,
	`due_at` integer,
	`integration_id` text,
	`rule_id` text,
	`summary` text,
	`incident_id` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`component_id`) REFERENCES `component`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`page_id`) REFERENCES `page`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `component_vendor` (
	`component_id` text PRIMARY KEY NOT NULL,
	`page_id` text NOT NULL,
	`kind` text NOT NULL,
	`url` text NOT NULL,
	`vendor_component_id` text,
	`following` integer DEFAULT true NOT NULL,
	`etag` text,
	`vendor_status` text,
	`next_poll_at` integer NOT NULL,
	`lease_until` integer,
	`last_polled_at` integer,
	`last_result` text,
	`last_ok_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`component_id`) REFERENCES `component`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`page_id`) REFERENCES `page`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `component_vendor_due` ON `component_vendor` (`next_poll_at`);--> statement-breakpoint
CREATE TABLE `integration` (
	`id` text PRIMARY KEY NOT NULL,
	`page_id` text NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`hold_seconds` integer DEFAULT 120 NOT NULL,
	`per_minute` integer DEFAULT 60 NOT NULL,
	`last_event_at` integer,
	`deleted_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `page`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `integration_page` ON `integration` (`page_id`);--> statement-breakpoint
CREATE TABLE `integration_alert` (
	`integration_id` text NOT NULL,
	`alert_key` text NOT NULL,
	`component_id` text NOT NULL,
	`rule_id` text,
	`status` text NOT NULL,
	`firing` integer NOT NULL,
	`summary` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`integration_id`, `alert_key`, `component_id`),
	FOREIGN KEY (`integration_id`) REFERENCES `integration`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`component_id`) REFERENCES `component`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `integration_alert_component` ON `integration_alert` (`component_id`);--> statement-breakpoint
CREATE TABLE `integration_event` (
	`id` text PRIMARY KEY NOT NULL,
	`integration_id` text NOT NULL,
	`at` integer NOT NULL,
	`format` text NOT NULL,
	`alerts` integer NOT NULL,
	`outcome` text NOT NULL,
	`test` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`integration_id`) REFERENCES `integration`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `integration_event_integration_at` ON `integration_event` (`integration_id`,`at`);--> statement-breakpoint
CREATE TABLE `integration_rule` (
	`id` text PRIMARY KEY NOT NULL,
	`integration_id` text NOT NULL,
	`position` integer NOT NULL,
	`match` text NOT NULL,
	`component_id` text NOT NULL,
	`status` text NOT NULL,
	`incident_mode` text DEFAULT 'none' NOT NULL,
	`notify` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`integration_id`) REFERENCES `integration`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`component_id`) REFERENCES `component`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `integration_rule_integration` ON `integration_rule` (`integration_id`,`position`);