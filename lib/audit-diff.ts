// The audit log's before/after as a diff a person can read: one line per
// changed field (nested objects flattened to dotted paths), in the order the
// fields appear, with unchanged fields counted rather than listed.

export interface DiffLine {
  /** "name", "components.api", "tags[0]"; "" for a value that is not an object. */
  path: string;
  kind: "added" | "removed" | "changed";
  /** Display text of each side; null when that side has no such field. */
  before: string | null;
  after: string | null;
}

export interface AuditDiff {
  lines: DiffLine[];
  unchanged: number;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Leaves of a JSON value by path. Empty objects and arrays are leaves too, so they still show. */
function flatten(value: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> {
  if (isPlainObject(value) && Object.keys(value).length) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (Array.isArray(value) && value.length) {
    value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else out.set(prefix, value);
  return out;
}

const LOOKS_LIKE_JSON = /^(?:-?\d|true$|false$|null$)/;

/**
 * A leaf as text: strings as written (quoted when they would read as a number, boolean or null), everything else as
 * JSON.
 */
export function displayValue(v: unknown): string {
  if (typeof v === "string") return LOOKS_LIKE_JSON.test(v) ? JSON.stringify(v) : v;
  if (v === undefined) return "—";
  return JSON.stringify(v as Json);
}

/** What changed between an audit row's `before` and `after` (either may be null: created or deleted). */
export function auditDiff(before: unknown, after: unknown): AuditDiff {
  const a = before === null || before === undefined ? new Map<string, unknown>() : flatten(before, "", new Map());
  const b = after === null || after === undefined ? new Map<string, unknown>() : flatten(after, "", new Map());
  const lines: DiffLine[] = [];
  let unchanged = 0;
  // Fields in the order they appear: `after`'s first, then the ones it dropped.
  for (const path of new Set([...b.keys(), ...a.keys()])) {
    const inA = a.has(path);
    const inB = b.has(path);
    const x = displayValue(a.get(path));
    const y = displayValue(b.get(path));
    if (inA && inB && x === y) unchanged++;
    else
      lines.push({
        path,
        kind: !inA ? "added" : !inB ? "removed" : "changed",
        before: inA ? x : null,
        after: inB ? y : null,
      });
  }
  return { lines, unchanged };
}
