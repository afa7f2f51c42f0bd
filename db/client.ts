import { mkdirSync } from "node:fs";
import path from "node:path";
import { createClient, type Client } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import * as schema from "./schema";

export type Db = LibSQLDatabase<typeof schema>;
/** A transaction or the database itself: helpers that only read or write take either. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0] | Db;

export interface OpenOptions {
  url: string;
  authToken?: string;
}

export function openDb({ url, authToken }: OpenOptions): { db: Db; client: Client } {
  if (url.startsWith("file:")) {
    // libsql throws when the directory of a file database is missing.
    const file = url.slice("file:".length);
    if (file && !file.startsWith(":memory:")) mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  }
  // timeout = SQLite busy timeout: concurrent writers wait instead of failing.
  const client = createClient({ url, authToken, timeout: 5000 });
  return { db: drizzle(client, { schema }), client };
}
