import { getPage } from "@/lib/page/page";
import { getDb, systemClock } from "@/lib/runtime";
import { viewByConfirmToken } from "@/lib/subscribers/subscribe";
import { buttonClass, InvalidLink, SubscriptionShell, tokenParam } from "../shell";

/** Shows what the link confirms. Only the button's POST confirms: mail scanners fetch links. */
export default async function ConfirmPage({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  const token = tokenParam((await searchParams).token);
  const db = getDb();
  const view = await viewByConfirmToken({ db, now: systemClock }, (await getPage(db)).id, token);
  if (!view)
    return (
      <InvalidLink>
        It may have been used already or expired. Subscribe again from the status page to get a new one.
      </InvalidLink>
    );
  return (
    <SubscriptionShell title="Confirm your subscription">
      <p className="mb-4 text-sm">
        Send status updates to <strong>{view.email}</strong>?
      </p>
      <form method="post" action="/subscriptions/confirm/submit">
        <input type="hidden" name="token" value={token} />
        <button type="submit" className={buttonClass}>
          Confirm subscription
        </button>
      </form>
    </SubscriptionShell>
  );
}
