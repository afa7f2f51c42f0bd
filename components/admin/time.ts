// Console times: stored UTC, shown and entered in the page's time zone with a
// zone label. Pure functions (no React) so server actions can use them too.
import { parseLocalInput, wallTimeToUtc } from "@/lib/time/zone";

export { toLocalInput } from "@/lib/time/zone";

/** "Mar 1, 2026, 14:05 CET" */
export function formatDateTime(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", {
    timeZone,
    dateStyle: "medium",
    timeStyle: "short",
    hourCycle: "h23",
  }).format(date) + ` ${zoneLabel(date, timeZone)}`;
}

/** "14:05 CET" (today's times in lists) */
export function formatTime(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(date) + ` ${zoneLabel(date, timeZone)}`;
}

/** The zone's short name at that instant ("CET", "GMT+10", "UTC"). */
export function zoneLabel(date: Date, timeZone: string): string {
  const part = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "short" }).formatToParts(date).find((p) => p.type === "timeZoneName");
  return part?.value ?? timeZone;
}

/**
 * Reads a datetime-local value as a wall-clock time in the zone. Malformed
 * input or a time skipped by a DST change gives an invalid Date, which the use
 * case reports on the field.
 */
export function fromLocalInput(value: string, timeZone: string): Date {
  const wall = parseLocalInput(value);
  return (wall && wallTimeToUtc(wall, timeZone)) || new Date(Number.NaN);
}

/** "2 h 15 min", "3 d 4 h", "45 min" */
export function formatDuration(ms: number): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}
