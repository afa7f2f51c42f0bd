/** One message as both transports take it. Header values are already single-line. */
export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

/**
 * What a transport reports for one batch. The worker maps each outcome to a
 * delivery state: accepted → sent; rate_limited → wait retryAfterMs (not an
 * attempt); transient → backoff; permanent → failed now.
 */
export type SendOutcome =
  | { kind: "accepted"; ids: string[] }
  | { kind: "rate_limited"; retryAfterMs: number; error: string }
  | { kind: "transient"; error: string }
  | { kind: "permanent"; error: string };

export interface Mailer {
  readonly name: "resend" | "outbox";
  /** ≤ 100 messages. The same key must always come with the same messages. */
  sendBatch(emails: OutgoingEmail[], idempotencyKey: string): Promise<SendOutcome>;
}

/** Strips what could end a header line or smuggle a new one (CR/LF, other controls). */
export function headerSafe(value: string, max = 200): string {
  const clean = value
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this strips
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}
