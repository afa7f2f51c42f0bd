import type { Db } from "@/db/client";
import { env } from "../env";
import { createOutboxMailer } from "./outbox";
import { createResendMailer } from "./resend";
import type { Mailer } from "./types";

/** The transport the environment asks for: Resend with a key, otherwise the outbox. */
export function mailerFromEnv(db: Db): Mailer {
  const e = env();
  if (e.RESEND_API_KEY)
    return createResendMailer({
      apiKey: e.RESEND_API_KEY,
      baseUrl: e.RESEND_BASE_URL,
      timeoutMs: e.HERALD_EMAIL_TIMEOUT_MS,
    });
  return createOutboxMailer(db);
}

/** Printed at start-up. In production a missing key must be loud: the outbox sends nothing. */
export function emailStartupWarning(): string | null {
  const e = env();
  if (e.RESEND_API_KEY || e.NODE_ENV !== "production") return null;
  return [
    "",
    "!!! [herald] RESEND_API_KEY is not set: NO EMAIL WILL BE SENT.",
    "!!! Subscriber emails are kept in the console's Outbox (/admin/outbox) instead.",
    "!!! Set RESEND_API_KEY (and HERALD_EMAIL_FROM on a verified domain) to send.",
    "",
  ].join("\n");
}
