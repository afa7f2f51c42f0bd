import { CHANNEL_EVENT_LABELS, CHANNEL_EVENTS, CHANNEL_KIND_LABELS, CHANNEL_KINDS } from "@/db/constants";
import { getPage } from "@/lib/page/page";
import { getDb } from "@/lib/runtime";
import { isPrivatePage } from "@/lib/viewers/access";
import { buttonClass, SubscriptionShell } from "../shell";

const ERRORS: Record<string, string> = {
  invalid: "Check the URL: it must be a full https:// address of a webhook, Slack, Teams or Discord endpoint.",
  taken: "This URL already receives updates from this page.",
  limited: "Too many requests. Please try again later.",
  private: "This status page is private: ask its team to add your webhook or chat target.",
};

/**
 * A visitor sends updates to a webhook or a chat channel. Nothing is sent
 * there until one verification message proves someone at the target wants it
 * (lib/subscribers/channels.ts requestChannelTarget).
 */
export default async function ChannelSubscribePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const sp = await searchParams;
  const error = typeof sp.error === "string" ? ERRORS[sp.error] : undefined;
  const db = getDb();
  if (await isPrivatePage(db, (await getPage(db)).id))
    return (
      <SubscriptionShell title="Updates to a webhook or chat">
        <p className="text-sm">{ERRORS.private}</p>
      </SubscriptionShell>
    );
  return (
    <SubscriptionShell title="Updates to a webhook or chat">
      <form method="post" action="/subscriptions/channels/new" className="space-y-4">
        {error && (
          <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-900">
            {error}
          </p>
        )}
        <div>
          <label htmlFor="kind" className="block text-sm font-medium">
            Where to
          </label>
          <select id="kind" name="kind" className="mt-1 w-full rounded-md border border-zinc-300 px-2 py-2 text-sm">
            {CHANNEL_KINDS.map((k) => (
              <option key={k} value={k}>
                {CHANNEL_KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="url" className="block text-sm font-medium">
            URL
          </label>
          <input
            id="url"
            name="url"
            type="url"
            required
            maxLength={2000}
            placeholder="https://"
            className="mt-1 w-full rounded-md border border-zinc-300 px-2 py-2 text-sm"
          />
          <p className="mt-1 text-xs text-zinc-500">
            A webhook receiver, a Slack incoming-webhook URL, a Teams Workflows webhook URL or a Discord channel webhook
            URL.
          </p>
        </div>
        <div>
          <label htmlFor="email" className="block text-sm font-medium">
            Your email (optional)
          </label>
          <input
            id="email"
            name="email"
            type="email"
            maxLength={254}
            className="mt-1 w-full rounded-md border border-zinc-300 px-2 py-2 text-sm"
          />
          <p className="mt-1 text-xs text-zinc-500">Only to tell you if deliveries keep failing and stop.</p>
        </div>
        <fieldset>
          <legend className="text-sm font-medium">Events</legend>
          {CHANNEL_EVENTS.map((e) => (
            <label key={e} className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="events" value={e} defaultChecked /> {CHANNEL_EVENT_LABELS[e]}
            </label>
          ))}
        </fieldset>
        {/* A field people never see or fill in; bots do. */}
        <div aria-hidden="true" className="hidden">
          <label htmlFor="website">Website</label>
          <input id="website" name="website" tabIndex={-1} autoComplete="off" />
        </div>
        <p className="text-xs text-zinc-500">
          We send one verification message with a code. A webhook that answers 2xx with the code in its response body is
          active at once; otherwise enter the code on the next page.
        </p>
        <button type="submit" className={buttonClass}>
          Send verification
        </button>
      </form>
      <section className="mt-8 space-y-2 text-sm text-zinc-700 dark:text-zinc-300" aria-labelledby="developers">
        <h2 id="developers" className="font-semibold">
          For webhook developers
        </h2>
        <p>
          Each event POSTs Statuspage-style JSON: <code>meta</code> (unsubscribe, documentation, generated_at),{" "}
          <code>page</code> (id, status_indicator, status_description), <code>herald_event</code> and{" "}
          <code>incident</code> with its updates, newest first; for a component status change,{" "}
          <code>component_update</code> (id, component_id, old_status, new_status, created_at) and{" "}
          <code>component</code> instead of <code>incident</code>.
        </p>
        <p>
          Requests are signed per Standard Webhooks: <code>webhook-id</code> (the same on every retry of one event: drop
          repeats), <code>webhook-timestamp</code> and <code>webhook-signature</code> (<code>v1,</code> + base64
          HMAC-SHA256 of <code>id.timestamp.body</code> with your <code>whsec_</code> secret). Verify with any Standard
          Webhooks library. Answer 2xx within 10 seconds; anything else is retried with backoff.
        </p>
      </section>
    </SubscriptionShell>
  );
}
