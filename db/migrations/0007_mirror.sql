CREATE TABLE `mirror_job` (
	`id` text PRIMARY KEY NOT NULL,
	`full` integer DEFAULT false NOT NULL,
	`version` integer NOT NULL,
	`first_seen_at` integer NOT NULL,
	`due_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`lease_owner` text,
	`lease_until` integer,
	`last_error` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `mirror_target` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`label` text NOT NULL,
	`manifest` text DEFAULT '{}' NOT NULL,
	`pushed_version` integer,
	`pushed_at` integer,
	`remote_head` text,
	`last_uploaded` integer DEFAULT 0 NOT NULL,
	`last_deleted` integer DEFAULT 0 NOT NULL,
	`last_attempt_at` integer,
	`last_error` text,
	`last_error_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
