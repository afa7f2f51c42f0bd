import type { Db } from "@/db/client";

// Two write transactions open at once on one libsql client block each other's
// thread until the busy timeout (the local driver is synchronous), so
// scheduler steps in one process run one at a time per database. Across
// processes the steps' conditional UPDATEs keep each transition exactly-once.
const queues = new WeakMap<Db, Map<string, Promise<unknown>>>();

/** Runs fn after any earlier call with the same db and key has settled. */
export function serialized<T>(db: Db, key: string, fn: () => Promise<T>): Promise<T> {
  let byKey = queues.get(db);
  if (!byKey) queues.set(db, (byKey = new Map()));
  const prev = byKey.get(key) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(fn);
  byKey.set(key, next);
  return next;
}
