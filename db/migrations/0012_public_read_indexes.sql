DROP INDEX `incident_update_publish_at`;--> statement-breakpoint
CREATE INDEX `incident_update_display_order` ON `incident_update` (`display_at`,`seq`,`id`);--> statement-breakpoint
CREATE INDEX `incident_update_publish_at` ON `incident_update` (`publish_at`) WHERE "incident_update"."publish_at" is not null;