CREATE TABLE `account` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`provider_id` text NOT NULL,
	`user_id` text NOT NULL,
	`access_token` text,
	`refresh_token` text,
	`id_token` text,
	`access_token_expires_at` integer,
	`refresh_token_expires_at` integer,
	`scope` text,
	`password` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `account_user` ON `account` (`user_id`);--> statement-breakpoint
CREATE TABLE `api_key` (
	`id` text PRIMARY KEY NOT NULL,
	`page_id` text NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`role` text NOT NULL,
	`created_by_user_id` text,
	`last_used_at` integer,
	`revoked_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `page`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_key_key_hash_unique` ON `api_key` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_key_page` ON `api_key` (`page_id`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`page_id` text,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`actor_label` text NOT NULL,
	`action` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text,
	`before` text,
	`after` text,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_page_at` ON `audit_log` (`page_id`,`at`);--> statement-breakpoint
CREATE TABLE `component` (
	`id` text PRIMARY KEY NOT NULL,
	`page_id` text NOT NULL,
	`group_id` text,
	`name` text NOT NULL,
	`description` text,
	`position` integer NOT NULL,
	`status` text DEFAULT 'operational' NOT NULL,
	`showcase` integer DEFAULT true NOT NULL,
	`start_date` text,
	`only_show_if_degraded` integer DEFAULT false NOT NULL,
	`hidden` integer DEFAULT false NOT NULL,
	`deleted_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `page`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`group_id`) REFERENCES `component_group`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `component_page` ON `component` (`page_id`,`position`);--> statement-breakpoint
CREATE TABLE `component_group` (
	`id` text PRIMARY KEY NOT NULL,
	`page_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`position` integer NOT NULL,
	`hidden` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `page`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `component_group_page` ON `component_group` (`page_id`,`position`);--> statement-breakpoint
CREATE TABLE `component_status_change` (
	`id` text PRIMARY KEY NOT NULL,
	`page_id` text NOT NULL,
	`component_id` text NOT NULL,
	`old_status` text,
	`new_status` text NOT NULL,
	`at` integer NOT NULL,
	`source` text NOT NULL,
	`incident_id` text,
	`incident_update_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `page`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`component_id`) REFERENCES `component`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `component_status_change_component_at` ON `component_status_change` (`component_id`,`at`);--> statement-breakpoint
CREATE TABLE `delivery` (
	`id` text PRIMARY KEY NOT NULL,
	`notification_id` text NOT NULL,
	`subscriber_id` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_owner` text,
	`lease_until` integer,
	`provider_message_id` text,
	`last_error` text,
	`batch_id` text,
	`sent_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`notification_id`) REFERENCES `notification`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subscriber_id`) REFERENCES `subscriber`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `delivery_notification_subscriber` ON `delivery` (`notification_id`,`subscriber_id`);--> statement-breakpoint
CREATE INDEX `delivery_due` ON `delivery` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `delivery_batch` ON `delivery` (`batch_id`) WHERE batch_id is not null;--> statement-breakpoint
CREATE INDEX `delivery_retry` ON `delivery` (`next_attempt_at`) WHERE status = 'pending' and batch_id is not null;--> statement-breakpoint
CREATE TABLE `incident` (
	`id` text PRIMARY KEY NOT NULL,
	`page_id` text NOT NULL,
	`kind` text DEFAULT 'incident' NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`impact` text DEFAULT 'none' NOT NULL,
	`impact_override` text,
	`started_at` integer NOT NULL,
	`identified_at` integer,
	`monitoring_at` integer,
	`resolved_at` integer,
	`scheduled_for` integer,
	`scheduled_until` integer,
	`scheduled_remind_prior` integer DEFAULT false NOT NULL,
	`scheduled_remind_minutes` integer,
	`reminder_sent_at` integer,
	`scheduled_auto_in_progress` integer DEFAULT false NOT NULL,
	`scheduled_auto_completed` integer DEFAULT false NOT NULL,
	`auto_transition_to_maintenance_state` integer DEFAULT false NOT NULL,
	`auto_transition_to_operational_state` integer DEFAULT false NOT NULL,
	`auto_transition_deliver_notifications_at_start` integer DEFAULT false NOT NULL,
	`auto_transition_deliver_notifications_at_end` integer DEFAULT false NOT NULL,
	`backfilled` integer DEFAULT false NOT NULL,
	`postmortem_body` text,
	`postmortem_draft` text,
	`postmortem_published_at` integer,
	`published_at` integer,
	`publish_at` integer,
	`owner_user_id` text,
	`urgency` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `page`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `incident_page_started` ON `incident` (`page_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `incident_page_status` ON `incident` (`page_id`,`status`);--> statement-breakpoint
CREATE TABLE `incident_note` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`author_user_id` text,
	`author_label` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incident`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `incident_note_incident` ON `incident_note` (`incident_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `incident_template` (
	`id` text PRIMARY KEY NOT NULL,
	`page_id` text NOT NULL,
	`name` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`components` text NOT NULL,
	`notify` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `page`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `incident_template_page` ON `incident_template` (`page_id`,`name`);--> statement-breakpoint
CREATE TABLE `incident_update` (
	`id` text PRIMARY KEY NOT NULL,
	`incident_id` text NOT NULL,
	`status` text NOT NULL,
	`body` text NOT NULL,
	`display_at` integer NOT NULL,
	`seq` integer NOT NULL,
	`deliver_notifications` integer DEFAULT false NOT NULL,
	`author_user_id` text,
	`publish_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`incident_id`) REFERENCES `incident`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `incident_update_incident_display` ON `incident_update` (`incident_id`,`display_at`);--> statement-breakpoint
CREATE INDEX `incident_update_publish_at` ON `incident_update` (`publish_at`);--> statement-breakpoint
CREATE TABLE `incident_update_component` (
	`incident_update_id` text NOT NULL,
	`component_id` text NOT NULL,
	`old_status` text NOT NULL,
	`new_status` text NOT NULL,
	PRIMARY KEY(`incident_update_id`, `component_id`),
	FOREIGN KEY (`incident_update_id`) REFERENCES `incident_update`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`component_id`) REFERENCES `component`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `notification` (
	`id` text PRIMARY KEY NOT NULL,
	`page_id` text NOT NULL,
	`kind` text NOT NULL,
	`incident_id` text,
	`incident_update_id` text,
	`rendered_subject` text,
	`rendered_html` text,
	`rendered_text` text,
	`render_nonce` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `page`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notification_page_created` ON `notification` (`page_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `outbox_email` (
	`id` text PRIMARY KEY NOT NULL,
	`idempotency_key` text NOT NULL,
	`position` integer NOT NULL,
	`from_address` text NOT NULL,
	`to_address` text NOT NULL,
	`subject` text NOT NULL,
	`html` text NOT NULL,
	`text` text NOT NULL,
	`headers` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_email_key` ON `outbox_email` (`idempotency_key`,`position`);--> statement-breakpoint
CREATE INDEX `outbox_email_created` ON `outbox_email` (`created_at`);--> statement-breakpoint
CREATE TABLE `page` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`url` text,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`support_url` text,
	`logo_url` text,
	`brand_color` text DEFAULT '#2563eb' NOT NULL,
	`email_from` text,
	`uptime_counts_maintenance` integer DEFAULT false NOT NULL,
	`sla_target` real DEFAULT 99.9 NOT NULL,
	`uptime_day` text,
	`cadence_critical_minutes` integer DEFAULT 30 NOT NULL,
	`cadence_major_minutes` integer DEFAULT 60 NOT NULL,
	`cadence_minor_minutes` integer DEFAULT 120 NOT NULL,
	`first_update_minutes` integer DEFAULT 15 NOT NULL,
	`content_version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rate_limit` (
	`id` text PRIMARY KEY NOT NULL,
	`key` text NOT NULL,
	`count` integer NOT NULL,
	`last_request` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rate_limit_key_unique` ON `rate_limit` (`key`);--> statement-breakpoint
CREATE TABLE `session` (
	`id` text PRIMARY KEY NOT NULL,
	`expires_at` integer NOT NULL,
	`token` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`ip_address` text,
	`user_agent` text,
	`user_id` text NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `session_token_unique` ON `session` (`token`);--> statement-breakpoint
CREATE INDEX `session_user` ON `session` (`user_id`);--> statement-breakpoint
CREATE TABLE `subscribe_limit` (
	`key` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`window_end` integer NOT NULL,
	`count` integer DEFAULT 0 NOT NULL,
	`blocked` integer DEFAULT 0 NOT NULL,
	`last_blocked_at` integer
);
--> statement-breakpoint
CREATE INDEX `subscribe_limit_window` ON `subscribe_limit` (`window_end`);--> statement-breakpoint
CREATE TABLE `subscriber` (
	`id` text PRIMARY KEY NOT NULL,
	`page_id` text NOT NULL,
	`email` text NOT NULL,
	`state` text DEFAULT 'unconfirmed' NOT NULL,
	`confirm_token_hash` text,
	`manage_token_hash` text,
	`confirm_token_enc` text,
	`manage_token_enc` text,
	`quarantine_reason` text,
	`confirmed_at` integer,
	`unsubscribed_at` integer,
	`quarantined_at` integer,
	`paused_at` integer,
	`incident_only` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`page_id`) REFERENCES `page`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscriber_live_email` ON `subscriber` (`page_id`,lower("email")) WHERE state in ('unconfirmed', 'active');--> statement-breakpoint
CREATE INDEX `subscriber_page_state` ON `subscriber` (`page_id`,`state`);--> statement-breakpoint
CREATE UNIQUE INDEX `subscriber_confirm_token` ON `subscriber` (`confirm_token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `subscriber_manage_token` ON `subscriber` (`manage_token_hash`);--> statement-breakpoint
CREATE TABLE `subscriber_component` (
	`subscriber_id` text NOT NULL,
	`component_id` text NOT NULL,
	PRIMARY KEY(`subscriber_id`, `component_id`),
	FOREIGN KEY (`subscriber_id`) REFERENCES `subscriber`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`component_id`) REFERENCES `component`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `subscriber_component_component` ON `subscriber_component` (`component_id`);--> statement-breakpoint
CREATE TABLE `subscriber_incident` (
	`subscriber_id` text NOT NULL,
	`incident_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`subscriber_id`, `incident_id`),
	FOREIGN KEY (`subscriber_id`) REFERENCES `subscriber`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`incident_id`) REFERENCES `incident`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `subscriber_incident_incident` ON `subscriber_incident` (`incident_id`);--> statement-breakpoint
CREATE TABLE `user` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text NOT NULL,
	`email_verified` integer DEFAULT false NOT NULL,
	`image` text,
	`role` text DEFAULT 'viewer' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_email_unique` ON `user` (`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `user_single_owner` ON `user` (`role`) WHERE role = 'owner';--> statement-breakpoint
CREATE TABLE `verification` (
	`id` text PRIMARY KEY NOT NULL,
	`identifier` text NOT NULL,
	`value` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
