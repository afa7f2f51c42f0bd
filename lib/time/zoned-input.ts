// Times typed by people are wall times in the page's zone (datetime-local
// fields); API clients send ISO instants with an offset. Both end up UTC.
import { z } from "zod";
import { ValidationError } from "../errors";
import { parseLocalInput, wallTimeToUtc } from "./zone";

/** A wall time in the page's zone ("2026-03-08T01:30"), an ISO instant with offset, or a Date. */
export const ZonedInput = z.union([z.date(), z.string().trim().min(1, "Required").max(40)]);

/** Resolves a form or API time to UTC. Wall times are read in the page's zone; DST gaps are rejected. */
export function resolveZonedInput(value: Date | string, timeZone: string, field: string): Date {
  const fail = (msg: string): never => {
    throw new ValidationError(msg, { [field]: [msg] });
  };
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? fail("Invalid date") : value;
  const wall = parseLocalInput(value);
  if (wall)
    return (
      wallTimeToUtc(wall, timeZone) ??
      fail(`${value.replace("T", " ")} does not exist in ${timeZone} (the clocks skip that hour)`)
    );
  // Only full ISO instants with an explicit offset; anything else is ambiguous.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value))
    return fail("Use YYYY-MM-DDTHH:MM");
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? fail("Invalid date") : d;
}
