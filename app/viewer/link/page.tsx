import { buttonClass, SubscriptionShell, tokenParam } from "@/app/subscriptions/shell";
import { safeNext } from "@/lib/viewers/sign-in";

type Props = { searchParams: Promise<{ token?: string | string[]; next?: string | string[] }> };

/** The emailed link lands here; only the button's POST uses it (mail scanners fetch links). */
export default async function ViewerLink({ searchParams }: Props) {
  const q = await searchParams;
  const next = safeNext(typeof q.next === "string" ? q.next : undefined);
  return (
    <SubscriptionShell title="Sign in to the status page">
      <form method="post" action="/viewer/link/submit">
        <input type="hidden" name="token" value={tokenParam(q.token)} />
        <input type="hidden" name="next" value={next} />
        <button type="submit" className={buttonClass}>
          Continue to the status page
        </button>
      </form>
    </SubscriptionShell>
  );
}
