import { CHANNEL_EVENT_LABELS, CHANNEL_KIND_LABELS } from "@/db/constants";
import { env } from "@/lib/env";
import { isDomainError } from "@/lib/errors";
import { getDb, systemClock } from "@/lib/runtime";
import { type PublicChannelView, viewChannelByToken } from "@/lib/subscribers/channels";
import { buttonClass, InvalidLink, SubscriptionShell, secondaryClass, tokenParam } from "../shell";

const RESULTS: Record<string, string> = {
  wrong: "That code is not right. Check the verification message and try again.",
  exhausted: "Too many wrong codes. Add the target again to get a new one.",
};

/** A channel target's page (from the subscribe form, and meta.unsubscribe of every webhook payload). */
export default async function ChannelPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[]; result?: string | string[] }>;
}) {
  const sp = await searchParams;
  const token = tokenParam(sp.token);
  let view: PublicChannelView;
  try {
    view = await viewChannelByToken({ db: getDb(), now: systemClock }, env().HERALD_SECRET, token);
  } catch (err) {
    if (!isDomainError(err)) throw err;
    return <InvalidLink>Use the link from the page where the target was added or from a recent message.</InvalidLink>;
  }
  const result = typeof sp.result === "string" ? RESULTS[sp.result] : undefined;
  const what = `${CHANNEL_KIND_LABELS[view.kind]} ${view.label}`;
  if (view.state === "unsubscribed")
    return (
      <SubscriptionShell title="Updates stopped">
        <p className="text-sm">{what} receives no more updates.</p>
      </SubscriptionShell>
    );
  return (
    <SubscriptionShell title={view.state === "pending" ? "Confirm the target" : "Updates to your target"}>
      <p className="mb-4 text-sm" data-testid="channel-state">
        {what}:{" "}
        <strong>
          {view.state === "active"
            ? `active — receiving ${view.events.map((e) => CHANNEL_EVENT_LABELS[e].toLowerCase()).join(", ")}`
            : view.state === "pending"
              ? "waiting for verification"
              : "disabled after repeated failures"}
        </strong>
      </p>
      {view.signingSecret && (
        <div className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
          <p className="font-medium">
            Signing secret (Standard Webhooks). Copy it now: this page shows it for 15 minutes only.
          </p>
          <code className="mt-1 block break-all font-mono text-xs" data-testid="signing-secret">
            {view.signingSecret}
          </code>
        </div>
      )}
      {result && (
        <p role="alert" className="mb-4 rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-900">
          {result}
        </p>
      )}
      {view.state === "pending" && view.codeTriesLeft > 0 && (
        <form method="post" action="/subscriptions/channel/confirm" className="mb-6 space-y-2">
          <input type="hidden" name="token" value={token} />
          <label htmlFor="code" className="block text-sm font-medium">
            Code from the verification message
          </label>
          <input
            id="code"
            name="code"
            required
            maxLength={20}
            autoComplete="one-time-code"
            className="w-full rounded-md border border-zinc-300 px-2 py-2 font-mono text-sm"
          />
          <button type="submit" className={buttonClass}>
            Confirm
          </button>
        </form>
      )}
      <form method="post" action="/subscriptions/channel/unsubscribe">
        <input type="hidden" name="token" value={token} />
        <button type="submit" className={secondaryClass}>
          Stop updates to this target
        </button>
      </form>
    </SubscriptionShell>
  );
}
