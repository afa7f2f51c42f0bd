// How Herald writes times and durations, everywhere people read them: the
// console, the Outbox, emails, feeds, OG cards and the public pages (whose
// optional script may then switch a timestamp to the reader's zone,
// components/status/time.tsx). Times are in the given zone — the page's — with
// the zone's abbreviation. Pure functions, no React, so lib and tests use them.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const id = `${timeZone}|${JSON.stringify(opts)}`;
  let f = formatters.get(id);
  if (!f) formatters.set(id, (f = new Intl.DateTimeFormat("en-US", { timeZone, ...opts })));
  return f;
}

/** "Mar 1, 2026, 14:05 EST" */
export function formatDateTime(at: Date, timeZone: string): string {
  return formatter(timeZone, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "short",
  }).format(at);
}

/** "14:05 EST" (today's times in lists) */
export function formatTime(at: Date, timeZone: string): string {
  return formatter(timeZone, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" }).format(
    at,
  );
}

/** "Mar 1, 2026" */
export function formatDate(at: Date, timeZone: string): string {
  return formatter(timeZone, { dateStyle: "medium" }).format(at);
}

/** "March 2026" for a "YYYY-MM" key. */
export function formatMonth(key: string): string {
  const [y, m] = key.split("-").map(Number);
  return formatter("UTC", { month: "long", year: "numeric" }).format(new Date(Date.UTC(y, m - 1, 15)));
}

/** The zone's short name at that instant ("EST", "CET", "GMT+10", "UTC"). */
export function zoneLabel(at: Date, timeZone: string): string {
  return (
    formatter(timeZone, { timeZoneName: "short" })
      .formatToParts(at)
      .find((p) => p.type === "timeZoneName")?.value ?? timeZone
  );
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "under a minute", "3 min", "2 h 15 min", "3 d 4 h". The one rounding rule:
 * to the nearest unit of the smallest part shown — minutes below a day, hours
 * from a day on — so 2 min 45 s is "3 min" and 1 d 4 h 40 min is "1 d 5 h".
 * Anything under a whole minute (and a negative span) is "under a minute".
 */
export function formatDuration(ms: number): string {
  if (!(ms >= MINUTE)) return "under a minute";
  if (ms < DAY - MINUTE / 2) {
    const minutes = Math.round(ms / MINUTE);
    const h = Math.floor(minutes / 60);
    const min = minutes % 60;
    if (!h) return `${min} min`;
    return min ? `${h} h ${min} min` : `${h} h`;
  }
  const hours = Math.round(ms / HOUR);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h ? `${d} d ${h} h` : `${d} d`;
}

/**
 * How long an incident lasted, or null when the record holds no span: a
 * backfilled incident is recorded at one moment (started = resolved), and
 * "Lasted under a minute" would be invented. Open incidents have no duration
 * yet either.
 */
export function formatLasted(startedAt: Date, resolvedAt: Date | null): string | null {
  if (!resolvedAt || resolvedAt.getTime() <= startedAt.getTime()) return null;
  return formatDuration(resolvedAt.getTime() - startedAt.getTime());
}
