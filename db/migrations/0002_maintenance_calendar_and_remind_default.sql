ALTER TABLE `incident` ADD `revision` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `incident` ADD `cancelled_at` integer;--> statement-breakpoint
ALTER TABLE `page` ADD `maintenance_remind_minutes` integer;