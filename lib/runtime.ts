import { openDb, type Db } from "@/db/client";
import { env } from "./env";

// Process-wide singletons. Kept on globalThis because the custom server
// (scripts/start.ts) and Next's bundled server code load separate copies of
// this module in one process; both must share one database client.
interface HeraldGlobal {
  db?: Db;
}
const g = globalThis as typeof globalThis & { __herald?: HeraldGlobal };
const store = (g.__herald ??= {});

export function getDb(): Db {
  if (!store.db) {
    const { DATABASE_URL, DATABASE_AUTH_TOKEN } = env();
    store.db = openDb({ url: DATABASE_URL, authToken: DATABASE_AUTH_TOKEN }).db;
  }
  return store.db;
}

export const systemClock = () => new Date();
