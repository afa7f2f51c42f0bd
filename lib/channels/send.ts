// One request to one target: the body for this target (webhook: meta + the
// stored body, signed), sent through the SSRF-safe fetch, classified.
import type { ChannelKind } from "@/db/constants";
import { type NetPolicy, safeFetch } from "../net/fetch";
import { type ChannelOutcome, classifyAnswer, classifyError } from "./classify";
import { signWebhook } from "./sign";
import { withMeta } from "./webhook";

export interface ChannelRequest {
  kind: ChannelKind;
  url: string;
  /** The stored (or notice) body. */
  body: string;
  /**
   * The webhook-id: the same on every retry of one delivery. Sent to every kind
   * (chat services ignore it; a relay in front of one can drop replays by it).
   */
  id: string;
  /** Webhooks: the signing secret and the per-target meta. */
  webhook?: { secret: string; unsubscribe: string; generatedAt: Date };
  /** The public site's root: meta.documentation is its page about channels (app/subscriptions/channels). */
  root: string;
  now: Date;
  policy: NetPolicy;
  timeoutMs: number;
}

export interface ChannelSendResult {
  outcome: ChannelOutcome;
  /** The response body's first bytes (verification echo), empty when there was no answer. */
  answer: string;
}

export async function sendToChannel(r: ChannelRequest): Promise<ChannelSendResult> {
  let body = r.body;
  const headers: Record<string, string> = { "content-type": "application/json", "webhook-id": r.id };
  if (r.kind === "webhook") {
    if (!r.webhook) throw new Error("a webhook request needs its secret and meta");
    body = withMeta(r.body, {
      unsubscribe: r.webhook.unsubscribe,
      documentation: `${r.root}/subscriptions/channels`,
      generatedAt: r.webhook.generatedAt,
    });
    Object.assign(headers, signWebhook(r.webhook.secret, r.id, r.now, body));
  }
  try {
    const res = await safeFetch(r.url, {
      method: "POST",
      headers,
      body,
      policy: r.policy,
      timeoutMs: r.timeoutMs,
      maxResponseBytes: 4096,
    });
    return { outcome: classifyAnswer(res, r.now), answer: res.body.toString("utf8") };
  } catch (err) {
    return { outcome: classifyError(err), answer: "" };
  }
}
