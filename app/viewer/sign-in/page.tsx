import { buttonClass, SubscriptionShell } from "@/app/subscriptions/shell";
import { getPage } from "@/lib/page/page";
import { getDb } from "@/lib/runtime";
import { loadViewerSettings } from "@/lib/viewers/access";
import { VIEWER_OIDC_START, viewerOidcOf } from "@/lib/viewers/oidc";
import { safeNext } from "@/lib/viewers/sign-in";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const SEPARATED = "mt-6 border-t border-zinc-200 pt-6 dark:border-zinc-800";
const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);
const inputClass =
  "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm " +
  "dark:border-zinc-700 dark:bg-zinc-950";

/** The private page's door: an email link, the page password, or both. */
export default async function ViewerSignIn({ searchParams }: Props) {
  const q = await searchParams;
  const next = safeNext(one(q.next));
  const db = getDb();
  const settings = await loadViewerSettings(db, (await getPage(db)).id);
  const sso = viewerOidcOf(settings) !== null;
  return (
    <SubscriptionShell title="Sign in to see this status page">
      {one(q.sent) && (
        <p
          role="status"
          className="mb-4 rounded-md bg-green-50 p-3 text-sm text-green-900 dark:bg-green-950 dark:text-green-100"
        >
          If that address may see this page, a sign-in link is on its way. It works once, for 15 minutes.
        </p>
      )}
      {one(q.error) === "password" && (
        <p
          role="alert"
          className="mb-4 rounded-md bg-red-50 p-3 text-sm text-red-900 dark:bg-red-950 dark:text-red-100"
        >
          That password is not right.
        </p>
      )}
      {one(q.error) === "link" && (
        <p
          role="alert"
          className="mb-4 rounded-md bg-red-50 p-3 text-sm text-red-900 dark:bg-red-950 dark:text-red-100"
        >
          That sign-in link is not valid: it may have been used or expired. Ask for a new one.
        </p>
      )}
      {one(q.error) === "oidc" && (
        <p
          role="alert"
          className="mb-4 rounded-md bg-red-50 p-3 text-sm text-red-900 dark:bg-red-950 dark:text-red-100"
        >
          Single sign-on did not work. Please try again.
        </p>
      )}
      {one(q.error) === "oidc_denied" && (
        <p
          role="alert"
          className="mb-4 rounded-md bg-red-50 p-3 text-sm text-red-900 dark:bg-red-950 dark:text-red-100"
        >
          You signed in, but that account may not see this status page. Ask the page&apos;s owner for access.
        </p>
      )}
      {one(q.signed_out) && <p className="mb-4 text-sm">You are signed out.</p>}
      {sso && (
        <form
          method="post"
          action={VIEWER_OIDC_START}
          className="mb-6 border-b border-zinc-200 pb-6 dark:border-zinc-800"
        >
          <input type="hidden" name="next" value={next} />
          <button type="submit" className={buttonClass}>
            Sign in with single sign-on
          </button>
        </form>
      )}
      {settings.magicLinkEnabled && (
        <form method="post" action="/viewer/sign-in/link" className="space-y-3">
          <input type="hidden" name="next" value={next} />
          <label className="block text-sm font-medium">
            Work email
            <input name="email" type="email" required autoComplete="email" className={inputClass} />
          </label>
          <button type="submit" className={buttonClass}>
            Email me a sign-in link
          </button>
        </form>
      )}
      {settings.passwordHash && (
        <form
          method="post"
          action="/viewer/sign-in/password"
          className={`space-y-3 ${settings.magicLinkEnabled ? SEPARATED : ""}`}
        >
          <input type="hidden" name="next" value={next} />
          <label className="block text-sm font-medium">
            Page password
            <input name="password" type="password" required autoComplete="current-password" className={inputClass} />
          </label>
          <button type="submit" className={buttonClass}>
            Sign in
          </button>
        </form>
      )}
      {!sso && !settings.magicLinkEnabled && !settings.passwordHash && (
        <p className="text-sm">This page has no sign-in method switched on. Ask the page&apos;s owner for access.</p>
      )}
    </SubscriptionShell>
  );
}
