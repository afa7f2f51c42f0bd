// Small helpers the importers share (lib/import, lib/portability): comparing a
// stored row with the one an import wants, and writing many rows in batches.

/** Dates by instant, JSON values by content (keys sorted), the rest as they are. */
function norm(v: unknown): unknown {
  if (v instanceof Date) return v.getTime();
  if (v !== null && typeof v === "object") return JSON.stringify(v, Object.keys(v).sort());
  return v;
}

/** True when some key of `wanted` has another value in `existing`. */
export function differs(existing: Record<string, unknown>, wanted: Record<string, unknown>): boolean {
  return Object.keys(wanted).some((k) => norm(existing[k]) !== norm(wanted[k]));
}

export function chunks<T>(items: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Rows per multi-row INSERT: well below SQLite's 32766 bound variables for the widest table. */
const INSERT_CHUNK = 200;

export async function insertAll<T>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (const chunk of chunks(rows, INSERT_CHUNK)) await insert(chunk);
}
