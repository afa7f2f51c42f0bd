CREATE TABLE `v2_document_stamp` (
	`key` text PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`changed_at` integer NOT NULL
);
