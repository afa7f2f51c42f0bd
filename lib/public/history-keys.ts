// Which history page a URL names (pure: the edge's existence check uses it
// without the database). A page is a calendar quarter of the page's time zone,
// keyed "YYYY-QN"; see lib/public/history.ts.

/** The quarters history has pages for: from the oldest incident's to the newest's ("YYYY-QN"). */
export interface HistoryRange {
  oldest: string;
  newest: string;
}

/** The history page a query names: a quarter key, or the N-th quarter back from the newest (0: `/history`). */
export type HistoryWhich = { quarter: string } | { back: number };

const QUARTER = /^(\d{4})-Q([1-4])$/;
const PAGE_NUMBER = /^[1-9]\d{0,8}$/;

/** Whether a string is a quarter key ("2026-Q4"). */
export const isQuarterKey = (s: string): boolean => QUARTER.test(s);

/** The quarter `n` quarters after `key` (before, when negative). */
export function shiftQuarter(key: string, n: number): string {
  const [, y, q] = QUARTER.exec(key)!;
  const i = Number(y) * 4 + Number(q) - 1 + n;
  return `${Math.floor(i / 4)}-Q${(i % 4) + 1}`;
}

/** The quarter's months, newest first ("YYYY-MM"). */
export function quarterMonths(key: string): string[] {
  const [, y, q] = QUARTER.exec(key)!;
  return [3, 2, 1].map((k) => `${y}-${String((Number(q) - 1) * 3 + k).padStart(2, "0")}`);
}

/**
 * `?quarter=2026-Q3` or `?page=N` (the N-th quarter back, kept for links made
 * when pages were numbered), not both; null for anything malformed.
 */
export function historyWhich(quarter: string | null | undefined, page: string | null | undefined): HistoryWhich | null {
  if (quarter != null) return page == null && isQuarterKey(quarter) ? { quarter } : null;
  if (page == null) return { back: 0 };
  return PAGE_NUMBER.test(page) ? { back: Number(page) - 1 } : null;
}

/** Which quarter a request names within the range; null when it names none (a 404, never a render). */
export function historyQuarter(range: HistoryRange | null, which: HistoryWhich): string | null {
  if (!range) return null;
  if ("quarter" in which)
    return isQuarterKey(which.quarter) && which.quarter >= range.oldest && which.quarter <= range.newest
      ? which.quarter
      : null;
  if (!Number.isSafeInteger(which.back) || which.back < 0) return null;
  const q = shiftQuarter(range.newest, -which.back);
  return q >= range.oldest ? q : null;
}

/** Whether a history page exists: `/history` always (empty before the first incident). */
export function historyPageExists(range: HistoryRange | null, which: HistoryWhich | null): boolean {
  if (!which) return false;
  return ("back" in which && which.back === 0) || historyQuarter(range, which) !== null;
}

/** Where a quarter's page is linked from: the newest one is `/history`, the others `?quarter=`. */
export function historyHref(quarter: string, range: Pick<HistoryRange, "newest">): string {
  return quarter === range.newest ? "/history" : `/history?quarter=${quarter}`;
}
