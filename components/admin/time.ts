// Console times: stored UTC, shown and entered in the page's time zone with a
// zone label. Formatting is lib/time/format.ts (shared with the public pages
// and emails); this module adds reading datetime-local input. Pure functions
// (no React) so server actions can use them too.
import { parseLocalInput, wallTimeToUtc } from "@/lib/time/zone";

export { formatDate, formatDateTime, formatDuration, formatLasted, formatTime, zoneLabel } from "@/lib/time/format";
export { toLocalInput } from "@/lib/time/zone";

/**
 * Reads a datetime-local value as a wall-clock time in the zone. Malformed
 * input or a time skipped by a DST change gives an invalid Date, which the use
 * case reports on the field.
 */
export function fromLocalInput(value: string, timeZone: string): Date {
  const wall = parseLocalInput(value);
  return (wall && wallTimeToUtc(wall, timeZone)) || new Date(Number.NaN);
}
