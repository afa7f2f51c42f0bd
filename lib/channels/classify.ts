// An answer (or its absence) → what the worker does with the delivery.
import { NetError, type SafeResponse } from "../net/fetch";

export type ChannelOutcome =
  | { kind: "done"; status: number }
  /** Try again later: timeouts, dropped connections, 5xx, 408, 429 (retryAfterMs from Retry-After when given). */
  | { kind: "retry"; status: number | null; retryAfterMs: number | null; error: string }
  /** Will not get better by retrying: 3xx (redirects are not followed), other 4xx, a refused URL or address. */
  | { kind: "permanent"; status: number | null; error: string };

const MAX_RETRY_AFTER_MS = 60 * 60_000;

/** Retry-After as seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now: Date): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  const ms = /^\d+$/.test(v.trim()) ? Number(v) * 1000 : Date.parse(v) - now.getTime();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS) : null;
}

/** A short, safe description of the answer for the console's delivery log (never the target URL). */
function snippet(res: SafeResponse): string {
  const text = res.body.toString("utf8", 0, Math.min(res.body.length, 200)).replace(/\s+/g, " ").trim();
  return text ? `HTTP ${res.status}: ${text}` : `HTTP ${res.status}`;
}

export function classifyAnswer(res: SafeResponse, now: Date): ChannelOutcome {
  const s = res.status;
  if (s >= 200 && s < 300) return { kind: "done", status: s };
  if (s === 429 || s === 408 || s >= 500)
    return {
      kind: "retry",
      status: s,
      retryAfterMs: retryAfterMs(res.headers["retry-after"], now),
      error: snippet(res),
    };
  if (s >= 300 && s < 400) return { kind: "permanent", status: s, error: `HTTP ${s}: redirects are not followed` };
  return { kind: "permanent", status: s, error: snippet(res) };
}

export function classifyError(err: unknown): ChannelOutcome {
  if (err instanceof NetError) {
    if (err.code === "timeout" || err.code === "network")
      return { kind: "retry", status: null, retryAfterMs: null, error: err.message };
    return { kind: "permanent", status: null, error: err.message };
  }
  return { kind: "retry", status: null, retryAfterMs: null, error: err instanceof Error ? err.message : String(err) };
}
