import { createHash } from "node:crypto";
import { isId } from "../ids";

/**
 * Statuspage's ids (12 lowercase base36 characters) are already Herald ids and
 * are kept, so v2 consumers and links see the same ids after the move. An id
 * that does not fit lib/ids.ts's format is mapped to a derived one: the same
 * foreign id always gives the same Herald id, so a second run finds the rows of
 * the first. `remapped` collects the mappings for the plan.
 */
export function foreignIdMapper() {
  const remapped = new Map<string, string>();
  return {
    map(kind: string, raw: string): string {
      if (isId(raw)) return raw;
      const id = derivedId(`statuspage:${kind}:${raw}`);
      remapped.set(`${kind} ${raw}`, id);
      return id;
    },
    notes: (): string[] =>
      [...remapped].map(([from, to]) => `${from} does not fit Herald's id format; it is stored as ${to}`),
  };
}

/** A stable 12-character Herald id from a seed (sha-256, base36), for rows the import derives rather than reads. */
export function derivedId(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex").slice(0, 24);
  return BigInt(`0x${hex}`).toString(36).padStart(12, "0").slice(-12);
}
