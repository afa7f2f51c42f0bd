import { Resend, type WebhookEventPayload } from "resend";
import type { Db } from "@/db/client";
import { quarantineAddress } from "../subscribers/admin";

/**
 * Verifies a Resend webhook (svix-style signature over id.timestamp.body, with
 * a timestamp tolerance against replays) using the SDK's own verifier.
 * Returns the event, or null when the signature does not hold.
 */
export function verifyResendWebhook(
  secret: string,
  payload: string,
  headers: { id: string | null; timestamp: string | null; signature: string | null },
): WebhookEventPayload | null {
  if (!headers.id || !headers.timestamp || !headers.signature) return null;
  try {
    // verify() needs no API access; the constructor just insists on some key.
    return new Resend("re_webhook_verification_only").webhooks.verify({
      payload,
      headers: { id: headers.id, timestamp: headers.timestamp, signature: headers.signature },
      webhookSecret: secret,
    });
  } catch {
    return null;
  }
}

/**
 * Bounces (other than temporary ones) and complaints quarantine the address:
 * no further mail to it until an operator steps in. Returns how many
 * subscriptions were quarantined.
 */
export async function handleResendEvent(db: Db, event: WebhookEventPayload, now: Date): Promise<number> {
  let reason: string;
  let to: string[];
  if (event.type === "email.bounced") {
    if (/^(transient|temporary|undetermined)$/i.test(event.data.bounce?.type ?? "")) return 0;
    reason = `bounce: ${event.data.bounce?.type ?? "unknown"} ${event.data.bounce?.subType ?? ""}`.trim();
    to = event.data.to ?? [];
  } else if (event.type === "email.complained") {
    reason = "complaint";
    to = event.data.to ?? [];
  } else return 0;
  let n = 0;
  for (const address of to) n += await db.transaction((tx) => quarantineAddress(tx, address, reason, now));
  return n;
}
