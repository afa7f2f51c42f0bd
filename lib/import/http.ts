// The importer reads user-given URLs (a Statuspage page, Statuspage's API, a
// self-hosted mirror). It never fetches by itself: the caller injects the
// fetch, which in Herald is the SSRF-safe one (lib/net/fetch.ts safeFetch,
// structurally the same as HttpGet), so the importer cannot become a way into
// the inside of the network from the console.
import { ValidationError } from "../errors";

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  truncated: boolean;
}

export type HttpGet = (
  url: string,
  options: { method: "GET"; headers: Record<string, string>; maxResponseBytes: number; timeoutMs: number },
) => Promise<HttpResponse>;

/** One Statuspage response (a page of 100 incidents with their updates) stays well below this. */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
const TIMEOUT_MS = 30_000;

export interface JsonReader {
  /** GET a JSON document; answers other than 2xx, oversized bodies and non-JSON are ValidationErrors naming the URL. */
  get(url: string, headers?: Record<string, string>): Promise<unknown>;
}

export interface ReaderOptions {
  /** Statuspage's v1 API allows about one request per second per key. */
  minIntervalMs?: number;
  /** 420/429 answers are retried after Retry-After (capped) this many times. */
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Shown in messages without the query string (it may carry nothing secret today, but keep messages short). */
const shown = (url: string) => url.split("?")[0];

export function jsonReader(fetch: HttpGet, opts: ReaderOptions = {}): JsonReader {
  const sleep = opts.sleep ?? realSleep;
  const interval = opts.minIntervalMs ?? 0;
  let last = 0;
  return {
    async get(url, headers = {}) {
      for (let attempt = 0; ; attempt++) {
        const wait = last + interval - Date.now();
        if (wait > 0) await sleep(wait);
        last = Date.now();
        let res: HttpResponse;
        try {
          res = await fetch(url, {
            method: "GET",
            headers: { accept: "application/json", ...headers },
            maxResponseBytes: MAX_RESPONSE_BYTES,
            timeoutMs: TIMEOUT_MS,
          });
        } catch (err) {
          throw new ValidationError(`Could not read ${shown(url)}: ${(err as Error).message}`);
        }
        if ((res.status === 429 || res.status === 420) && attempt < (opts.retries ?? 3)) {
          const after = Number(String(res.headers["retry-after"] ?? "1"));
          await sleep(Math.min(Number.isFinite(after) ? after : 1, 30) * 1000);
          continue;
        }
        if (res.status === 401 || res.status === 403)
          throw new ValidationError(`${shown(url)} refused the request (${res.status}): check the API key and page id`);
        if (res.status < 200 || res.status > 299) throw new ValidationError(`${shown(url)} answered ${res.status}`);
        if (res.truncated) throw new ValidationError(`${shown(url)} answered more than ${MAX_RESPONSE_BYTES} bytes`);
        try {
          return JSON.parse(res.body.toString("utf8")) as unknown;
        } catch {
          throw new ValidationError(`${shown(url)} did not answer JSON`);
        }
      }
    },
  };
}
