import { handleResendEvent, verifyResendWebhook } from "@/lib/email/webhook";
import { env } from "@/lib/env";
import { getDb, systemClock } from "@/lib/runtime";

/** Resend's delivery events. Bounces and complaints quarantine the address (lib/email/webhook.ts). */
export async function POST(req: Request) {
  const secret = env().RESEND_WEBHOOK_SECRET;
  if (!secret) return Response.json({ error: "Webhooks are not enabled (set RESEND_WEBHOOK_SECRET)" }, { status: 403 });
  const payload = await req.text();
  if (payload.length > 256_000) return Response.json({ error: "Too large" }, { status: 413 });
  const event = verifyResendWebhook(secret, payload, {
    id: req.headers.get("svix-id") ?? req.headers.get("webhook-id"),
    timestamp: req.headers.get("svix-timestamp") ?? req.headers.get("webhook-timestamp"),
    signature: req.headers.get("svix-signature") ?? req.headers.get("webhook-signature"),
  });
  if (!event) return Response.json({ error: "Invalid signature" }, { status: 401 });
  try {
    const quarantined = await handleResendEvent(getDb(), event, systemClock());
    return Response.json({ ok: true, quarantined });
  } catch (err) {
    console.error("[herald] resend webhook failed", err);
    return Response.json({ error: "Something went wrong. The error was logged." }, { status: 500 });
  }
}
