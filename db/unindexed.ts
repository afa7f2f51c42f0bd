import { type AnyColumn, type SQL, sql } from "drizzle-orm";

/**
 * The column in an expression no index matches (`+col`), for a condition or an order that should not pick the index:
 * without statistics SQLite takes an index that serves an ORDER BY or a one-sided range over one that bounds the rows
 * read, and then walks all of history (lib/public/query-plans.test.ts pins the plans that matter).
 */
export function unindexed(column: AnyColumn): SQL {
  return sql`+${column}`;
}
