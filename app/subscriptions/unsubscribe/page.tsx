import { getPage } from "@/lib/page/page";
import { getDb, systemClock } from "@/lib/runtime";
import { viewByManageToken } from "@/lib/subscribers/subscribe";
import { buttonClass, InvalidLink, SubscriptionShell, tokenParam } from "../shell";

/** The email footer's "unsubscribe" link. The button POSTs; a GET changes nothing. */
export default async function UnsubscribePage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string | string[] }>;
}) {
  const token = tokenParam((await searchParams).token);
  const db = getDb();
  const view = await viewByManageToken({ db, now: systemClock }, (await getPage(db)).id, token);
  if (!view) return <InvalidLink />;
  if (view.state === "unsubscribed")
    return (
      <SubscriptionShell title="You are unsubscribed">
        <p className="text-sm">{view.email} receives no more updates.</p>
      </SubscriptionShell>
    );
  return (
    <SubscriptionShell title="Unsubscribe">
      <p className="mb-4 text-sm">
        Stop sending status updates to <strong>{view.email}</strong>?
      </p>
      <form method="post" action="/subscriptions/one-click" className="flex items-center gap-4">
        <input type="hidden" name="token" value={token} />
        <button type="submit" className={buttonClass}>
          Unsubscribe
        </button>
        <a
          href={`/subscriptions/manage?token=${encodeURIComponent(token)}`}
          className="text-sm text-blue-700 underline"
        >
          Change which components instead
        </a>
      </form>
    </SubscriptionShell>
  );
}
