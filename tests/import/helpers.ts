import { sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import type { HttpGet } from "../../lib/import/http";
import { tableNames } from "../helpers/db-state";

/** Every row of every table, in a stable order: "a second run changes nothing" compares these. */
export async function dumpDb(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const name of await tableNames(db)) out[name] = await db.all(sql.raw(`select * from "${name}" order by rowid`));
  return out;
}

/**
 * The importer's fetch for the local replay server. Herald passes the SSRF-safe
 * fetch (lib/net); this one has the same shape and talks to 127.0.0.1.
 */
export const localFetch: HttpGet = async (url, opts) => {
  const res = await fetch(url, { headers: opts.headers, signal: AbortSignal.timeout(opts.timeoutMs) });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: Object.fromEntries(res.headers), body: body.subarray(0, opts.maxResponseBytes), truncated: body.length > opts.maxResponseBytes };
};
