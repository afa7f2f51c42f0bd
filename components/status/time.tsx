import { formatDate, formatDateTime } from "@/lib/public/format";

/** A moment in the page's time zone; the machine-readable value is always UTC. */
export function Time({ at, timeZone, dateOnly = false }: { at: Date; timeZone: string; dateOnly?: boolean }) {
  return <time dateTime={at.toISOString()}>{dateOnly ? formatDate(at, timeZone) : formatDateTime(at, timeZone)}</time>;
}
