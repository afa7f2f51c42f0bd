// Standard Webhooks (https://www.standardwebhooks.com): the secret is "whsec_"
// + base64 of random bytes; the signature is base64(HMAC-SHA256(secret bytes,
// "<webhook-id>.<webhook-timestamp>.<body>")), sent as "v1,<signature>".
// Receivers verify with any Standard Webhooks library (tests use the
// `standardwebhooks` npm package, never this code).
import { createHmac, randomBytes } from "node:crypto";

const PREFIX = "whsec_";

export function newWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString("base64");
}

export interface SignedHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** `id` is derived from the delivery (the same on every retry); `at` is the time of this attempt. */
export function signWebhook(secret: string, id: string, at: Date, body: string): SignedHeaders {
  if (!secret.startsWith(PREFIX)) throw new Error("a webhook secret starts with whsec_");
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const key = Buffer.from(secret.slice(PREFIX.length), "base64");
  const signature = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${signature}` };
}

/** The webhook-id of a delivery: stable across retries, so receivers can drop replays. */
export const webhookIdOf = (deliveryId: string) => `msg_${deliveryId}`;
