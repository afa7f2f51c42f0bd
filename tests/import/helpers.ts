import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { HttpGet } from "../../lib/import/http";
import { safeFetch } from "../../lib/net/fetch";
import { tableNames } from "../helpers/db-state";

/** Every row of every table, in a stable order: "a second run changes nothing" compares these. */
export async function dumpDb(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const name of await tableNames(db)) out[name] = await db.all(sql.raw(`select * from "${name}" order by rowid`));
  return out;
}

/**
 * The importer's fetch for the local replay server: Herald's SSRF-safe fetch,
 * with the policy a test needs to reach http://127.0.0.1 (the same as
 * HERALD_WEBHOOK_ALLOW_HTTP=1 and HERALD_WEBHOOK_ALLOW_PRIVATE=1).
 */
export const replayFetch: HttpGet = (url, opts) =>
  safeFetch(url, { ...opts, policy: { allowHttp: true, allowPrivate: true } });
