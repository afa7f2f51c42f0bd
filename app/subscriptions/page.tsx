import { SubscribeForm } from "@/components/status/subscribe-form";
import { listComponentSections } from "@/lib/components/order";
import { getPage } from "@/lib/page/page";
import { getDb } from "@/lib/runtime";
import { isPrivatePage } from "@/lib/viewers/access";
import { readSubscribeRetry } from "./retry";
import { SubscriptionShell } from "./shell";

/**
 * A page of its own for the subscribe form (the status page embeds the same
 * form), and where a rejected address comes back to, with the error beside
 * the field (app/subscriptions/retry.ts).
 */
export default async function SubscribePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const db = getDb();
  const page = await getPage(db);
  // A private page lists nothing to strangers (this path is Next's, not behind the view gate): its readers subscribe
  // to the whole page, and the sign-up mails only addresses that may read it.
  const isPrivate = await isPrivatePage(db, page.id);
  const sections = isPrivate ? [] : await listComponentSections(db, page.id, { audience: "public" });
  const retry = readSubscribeRetry(await searchParams);
  return (
    <SubscriptionShell title="Subscribe to updates">
      <SubscribeForm sections={sections} email={retry.email} error={retry.error} chosen={retry.chosen} events />
      {!isPrivate && (
        <p className="mt-6 text-sm">
          Or send updates to{" "}
          <a href="/subscriptions/channels" className="text-blue-700 underline dark:text-blue-400">
            a webhook, Slack, Microsoft Teams or Discord
          </a>
          .
        </p>
      )}
    </SubscriptionShell>
  );
}
