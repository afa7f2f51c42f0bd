import { mkdirSync } from "node:fs";
import path from "node:path";
import { createClient, type Client } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { makePrivateFile, PRIVATE_DIR_MODE, tightenFile } from "./private-files";
import * as schema from "./schema";

export type Db = LibSQLDatabase<typeof schema>;
/** A transaction or the database itself: helpers that only read or write take either. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0] | Db;

export interface OpenOptions {
  url: string;
  authToken?: string;
  /** Called after each transaction of this client commits (the Next process tells the edge of a new version). */
  afterCommit?: () => void;
}

/** The absolute path of a local SQLite database (`file:…`); null for a libSQL server or an in-memory database. */
export function localDatabaseFile(url: string): string | null {
  if (!url.startsWith("file:")) return null;
  const file = url.slice("file:".length);
  return file && !file.startsWith(":memory:") ? path.resolve(file) : null;
}

export function openDb({ url, authToken, afterCommit }: OpenOptions): { db: Db; client: Client } {
  const abs = localDatabaseFile(url);
  if (abs) {
    // libsql throws when the directory of a file database is missing. A new
    // one is owner-only; an existing one may be any directory the operator
    // chose and is left as it is (the data directory is tightened at start).
    mkdirSync(path.dirname(abs), { recursive: true, mode: PRIVATE_DIR_MODE });
    // Owner-only before SQLite opens it: SQLite gives the -wal and -shm files
    // the database file's mode. Those of an existing install are tightened too.
    makePrivateFile(abs);
    tightenFile(`${abs}-wal`);
    tightenFile(`${abs}-shm`);
  }
  // timeout = SQLite busy timeout: concurrent writers in other processes wait instead of failing.
  const client = createClient({ url, authToken, timeout: 5000 });
  const db = drizzle(client, { schema });
  serializeTransactions(db, afterCommit);
  return { db, client };
}

/**
 * Runs this client's transactions one at a time. The local libsql driver is
 * synchronous and gives a concurrent transaction its own connection, whose
 * BEGIN IMMEDIATE then busy-waits on the very thread the open transaction needs
 * to finish: the event loop stalls for the whole busy timeout and the second
 * transaction fails with SQLITE_BUSY (five concurrent owner setups, or two
 * publishes at once, did exactly that). Queued, they simply run in turn.
 * Never call db.transaction from inside a transaction callback: use the tx.
 */
function serializeTransactions(db: Db, afterCommit?: () => void): void {
  const run = db.transaction.bind(db);
  let tail: Promise<unknown> = Promise.resolve();
  db.transaction = ((fn, config) => {
    const result = tail.then(async () => {
      const value = await run(fn, config);
      afterCommit?.();
      return value;
    });
    tail = result.catch(() => undefined);
    return result;
  }) as Db["transaction"];
}
