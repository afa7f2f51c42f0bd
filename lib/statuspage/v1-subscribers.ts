// Statuspage v1 subscriber extras over the email subscribers' use cases
// (lib/subscribers/admin.ts): GET /subscribers/count, GET
// /subscribers/unsubscribed and POST /subscribers/resend_confirmation.
import { z } from "zod";
import type { Ctx } from "../context";
import { ValidationError } from "../errors";
import { getSubscriber, listSubscribers, resendConfirmation, subscriberCounts } from "../subscribers/admin";
import { parseSubscriberQuery, subscriberV1 } from "../subscribers/v1";
import { parseListQuery } from "./v1-input";

/**
 * `?type=email&state=…` (state defaults to active, `all` counts every state). Herald's subscribers here are email ones.
 */
export async function subscriberCountV1(ctx: Ctx, query: URLSearchParams): Promise<{ email: number }> {
  const types = query.getAll("type");
  if (types.length > 1 || (types.length === 1 && types[0] !== "email")) {
    const message = types.length > 1 ? "Give a single value" : "Only email subscribers are counted here";
    throw new ValidationError(`type: ${message}`, { type: [message] });
  }
  const { state } = parseSubscriberQuery(query);
  const counts = await subscriberCounts(ctx);
  return { email: state ? counts[state] : Object.values(counts).reduce((a, b) => a + b, 0) };
}

/** Unsubscribed subscribers, newest first, `?page=&limit=`. */
export async function unsubscribedV1(ctx: Ctx, query: URLSearchParams) {
  const { q, limit, page } = parseListQuery(query);
  return (await listSubscribers(ctx, { q, state: "unsubscribed", page, perPage: limit })).subscribers.map(subscriberV1);
}

/** Statuspage sends the ids comma-separated; clients also send an array. */
export const ResendConfirmationBody = z.strictObject({
  subscribers: z.union([z.string().max(20_000), z.array(z.string()).max(100)]),
});

const MAX_RESEND = 100;

/**
 * Every id is checked first (known, unconfirmed), so a bad list changes
 * nothing; then each subscriber gets a fresh confirmation email.
 */
export async function resendConfirmationsV1(ctx: Ctx, secret: string, body: z.infer<typeof ResendConfirmationBody>) {
  const ids = [
    ...new Set(
      (typeof body.subscribers === "string" ? body.subscribers.split(",") : body.subscribers)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (!ids.length || ids.length > MAX_RESEND) {
    const message = ids.length ? `At most ${MAX_RESEND} subscribers at a time` : "Name at least one subscriber";
    throw new ValidationError(`subscribers: ${message}`, { subscribers: [message] });
  }
  const found = [];
  for (const id of ids) {
    const s = await getSubscriber(ctx, id);
    if (s.state !== "unconfirmed") {
      const message = `${id} is ${s.state}: only unconfirmed subscribers get a confirmation email`;
      throw new ValidationError(`subscribers: ${message}`, { subscribers: [message] });
    }
    found.push(s);
  }
  for (const s of found) await resendConfirmation(ctx, secret, s.id);
  return found.map(subscriberV1);
}
