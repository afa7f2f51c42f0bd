import { migrateDb } from "@/db/migrate";
import { ensurePage } from "@/lib/page/page";
import { getDb } from "@/lib/runtime";

/** Shared by `npm start`, the CLI and the worker: database reachable, migrated, a page exists. */
export async function bootstrap() {
  const db = getDb();
  await migrateDb(db);
  await ensurePage(db, new Date());
  return db;
}
