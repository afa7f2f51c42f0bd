ALTER TABLE `incident_update_component` ADD `requested` integer DEFAULT false NOT NULL;--> statement-breakpoint
-- Rows written before the column: a scheduled update's rows all set a status; any other row did when it changed one.
UPDATE `incident_update_component` SET `requested` = (`old_status` <> `new_status`
  OR `incident_update_id` IN (SELECT `id` FROM `incident_update` WHERE `publish_at` IS NOT NULL));
