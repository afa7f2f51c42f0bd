import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Client } from "@libsql/client";
import { sql } from "drizzle-orm";
import { migrate } from "drizzle-orm/libsql/migrator";
import type { Db } from "./client";

// Kept apart from client.ts so the Next bundle never resolves the migrations folder.
export const MIGRATIONS_FOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

export async function migrateDb(db: Db): Promise<void> {
  // WAL, set once on the file (it persists for every connection and process):
  // a commit is one append + fsync instead of three through a rollback
  // journal. The local driver blocks the event loop for each commit, so this
  // is what lets the email worker keep its pace (bench/fanout.ts); readers in
  // other processes also stop blocking the writer.
  // drizzle() returns the client as $client; the Db type leaves it out.
  if ((db as Db & { $client: Client }).$client.protocol === "file") await db.run(sql`pragma journal_mode = WAL`);
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
}
