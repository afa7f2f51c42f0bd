// Wall-clock ⇄ UTC conversion for a named IANA time zone, built on Intl only.
// Days are the page's days: a DST day is 23 or 25 hours long, and a wall time
// that falls in a spring-forward gap does not exist.

const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether `tz` is an IANA time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function wallParts(t: number, timeZone: string): WallTime & { second: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(t)))
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

/** Offset of the zone from UTC at instant t, in ms (UTC+10 → +36e6). */
export function zoneOffsetMs(t: number, timeZone: string): number {
  const w = wallParts(t, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (t - (((t % 1000) + 1000) % 1000));
}

function sameWall(t: number, timeZone: string, w: WallTime): boolean {
  const x = wallParts(t, timeZone);
  return x.year === w.year && x.month === w.month && x.day === w.day && x.hour === w.hour && x.minute === w.minute;
}

/**
 * The UTC instant of a wall time in the zone. An ambiguous time (the repeated
 * hour when clocks fall back) resolves to its first occurrence; a time in a
 * spring-forward gap returns null.
 */
export function wallTimeToUtc(w: WallTime, timeZone: string): Date | null {
  const naive = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
  // The offsets a day either side cover any single transition near this time.
  const candidates = [
    ...new Set([naive - zoneOffsetMs(naive - DAY, timeZone), naive - zoneOffsetMs(naive + DAY, timeZone)]),
  ]
    .filter((t) => sameWall(t, timeZone, w))
    .sort((a, b) => a - b);
  return candidates.length ? new Date(candidates[0]) : null;
}

/** "YYYY-MM-DD" of instant t in the zone. */
export function localDate(t: Date | number, timeZone: string): string {
  const w = wallParts(typeof t === "number" ? t : t.getTime(), timeZone);
  return `${w.year}-${String(w.month).padStart(2, "0")}-${String(w.day).padStart(2, "0")}`;
}

/** Calendar arithmetic on "YYYY-MM-DD" (no time zone involved). */
export function addDays(ymd: string, n: number): string {
  const [y, m, d] = ymd.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/**
 * The first instant of a local day. Where midnight itself is skipped by a DST
 * change (e.g. America/Santiago), the day starts at the transition.
 */
export function startOfLocalDay(ymd: string, timeZone: string): Date {
  const [year, month, day] = ymd.split("-").map(Number);
  const exact = wallTimeToUtc({ year, month, day, hour: 0, minute: 0 }, timeZone);
  if (exact) return exact;
  const naive = Date.UTC(year, month - 1, day);
  return new Date(naive - zoneOffsetMs(naive - DAY, timeZone));
}

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/;

/** Parses a datetime-local value ("2026-03-08T02:30") as wall time; null when malformed. */
export function parseLocalInput(value: string): WallTime | null {
  const m = LOCAL_INPUT.exec(value.trim());
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  // Reject 2026-02-31 and friends: Date.UTC would roll them into March.
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1) return null;
  return { year, month, day, hour, minute };
}

/** Formats an instant as a datetime-local value in the zone (for form defaults). */
export function toLocalInput(t: Date, timeZone: string): string {
  const w = wallParts(t.getTime(), timeZone);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${w.year}-${p(w.month)}-${p(w.day)}T${p(w.hour)}:${p(w.minute)}`;
}
