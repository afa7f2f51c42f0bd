import { Resend } from "resend";
import type { Mailer, OutgoingEmail, SendOutcome } from "./types";

export interface ResendMailerOptions {
  apiKey: string;
  /** Tests point this at tests/helpers/fake-resend.ts. */
  baseUrl?: string;
  /** A request slower than this is abandoned and retried with the same idempotency key. */
  timeoutMs: number;
}

const FALLBACK_RETRY_AFTER_MS = 1000;

/** The Resend transport: one POST /emails/batch per call. The SDK never throws; it returns { data, error, headers }. */
export function createResendMailer(opts: ResendMailerOptions): Mailer {
  const client = new Resend(opts.apiKey, { baseUrl: opts.baseUrl });
  return {
    name: "resend",
    async sendBatch(emails: OutgoingEmail[], idempotencyKey: string): Promise<SendOutcome> {
      const payload = emails.map((e) => ({
        from: e.from,
        to: [e.to],
        subject: e.subject,
        html: e.html,
        text: e.text,
        headers: e.headers,
      }));
      const res = await client.batch.send(payload, { idempotencyKey, signal: AbortSignal.timeout(opts.timeoutMs) });
      if (!res.error) {
        const ids = (res.data?.data ?? []).map((d) => d.id);
        if (ids.length !== emails.length)
          return { kind: "transient", error: `provider accepted ${ids.length} of ${emails.length}` };
        return { kind: "accepted", ids };
      }
      const status = (res.error as { statusCode?: number | null }).statusCode ?? null;
      const error = `${status ?? "network"} ${res.error.name}: ${res.error.message}`.slice(0, 500);
      if (status === 429)
        return { kind: "rate_limited", retryAfterMs: retryAfterMs(res.headers?.["retry-after"]), error };
      // No status = the request never completed (refused, reset, timed out).
      if (status === null || status >= 500 || status === 408) return { kind: "transient", error };
      return { kind: "permanent", error };
    },
  };
}

function retryAfterMs(header: string | undefined): number {
  if (!header) return FALLBACK_RETRY_AFTER_MS;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? FALLBACK_RETRY_AFTER_MS : Math.max(0, at - Date.now());
}
