// How the public site writes times: in the page's time zone, with its label.
// Pure functions so pages, feeds and tests agree.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const id = `${timeZone}|${JSON.stringify(opts)}`;
  let f = formatters.get(id);
  if (!f) formatters.set(id, (f = new Intl.DateTimeFormat("en-US", { timeZone, ...opts })));
  return f;
}

/** "Mar 1, 2026, 12:05 UTC" */
export function formatDateTime(at: Date, timeZone: string): string {
  return formatter(timeZone, { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" }).format(at);
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

/** "2 h 14 min", "3 d 4 h", "under a minute". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "under a minute";
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const min = minutes % 60;
  if (d) return h ? `${d} d ${h} h` : `${d} d`;
  if (h) return min ? `${h} h ${min} min` : `${h} h`;
  return `${min} min`;
}
