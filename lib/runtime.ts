import { openDb, type Db } from "@/db/client";
import { env } from "./env";

// Process-wide singletons. Kept on globalThis because the custom server
// (scripts/start.ts) and Next's bundled server code load separate copies of
// this module in one process; both must share one database client.
interface HeraldGlobal {
  db?: Db;
  commitListeners?: Set<() => void>;
}
const g = globalThis as typeof globalThis & { __herald?: HeraldGlobal };
const store = (g.__herald ??= {});

export function getDb(): Db {
  if (!store.db) {
    const { DATABASE_URL, DATABASE_AUTH_TOKEN } = env();
    store.db = openDb({ url: DATABASE_URL, authToken: DATABASE_AUTH_TOKEN, afterCommit: committed }).db;
  }
  return store.db;
}

function committed(): void {
  if (!store.commitListeners) return;
  for (const listener of store.commitListeners) {
    try {
      listener();
    } catch (err) {
      console.error(`[herald] ERROR after a commit: ${String(err)}`);
    }
  }
}

/**
 * Calls `listener` after every transaction of this process's database client commits (whichever copy of this
 * module opened it): the Next process tells the edge about a new content version at once (scripts/next-server.ts).
 */
export function onCommit(listener: () => void): void {
  (store.commitListeners ??= new Set()).add(listener);
}

export const systemClock = () => new Date();
