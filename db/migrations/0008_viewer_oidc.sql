ALTER TABLE `viewer_settings` ADD `oidc_issuer` text;--> statement-breakpoint
ALTER TABLE `viewer_settings` ADD `oidc_client_id` text;--> statement-breakpoint
ALTER TABLE `viewer_settings` ADD `oidc_client_secret` text;