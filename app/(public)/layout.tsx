import type { Metadata } from "next";
import type { ReactNode } from "react";
import { isSignedInRender } from "@/app/_server/viewer";
import { SubscribeForm } from "@/components/status/subscribe-form";
import { LOCAL_TIME_SCRIPT } from "@/components/status/time";
import { env } from "@/lib/env";
import { loadPublicPage, publicBaseUrl } from "@/lib/public/page";
import { getDb } from "@/lib/runtime";

// Public pages read the database on every render; the snapshot server
// (lib/snapshots) renders each one once per content version. Nothing is baked
// in at build time.
export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const page = await loadPublicPage(getDb());
  const base = publicBaseUrl(page, env().HERALD_URL);
  return {
    metadataBase: new URL(base),
    title: { default: `${page.name} Status`, template: `%s · ${page.name} Status` },
    openGraph: {
      type: "website",
      siteName: `${page.name} Status`,
      title: `${page.name} Status`,
      images: [{ url: `${base}/og.png`, width: 1200, height: 630 }],
    },
    twitter: { card: "summary_large_image", images: [`${base}/og.png`] },
    description: `Current status, incidents and scheduled maintenance for ${page.name}.`,
    alternates: {
      types: {
        "application/rss+xml": [{ url: "/history.rss", title: `${page.name} status history (RSS)` }],
        "application/atom+xml": [{ url: "/history.atom", title: `${page.name} status history (Atom)` }],
        "application/feed+json": [{ url: "/history.json", title: `${page.name} status history (JSON Feed)` }],
        "text/calendar": [{ url: "/maintenance.ics", title: `${page.name} maintenance calendar` }],
      },
    },
  };
}

export default async function PublicLayout({ children }: { children: ReactNode }) {
  const page = await loadPublicPage(getDb());
  const signedIn = await isSignedInRender();
  return (
    <div className="flex min-h-screen flex-col bg-zinc-50 dark:bg-zinc-950">
      <a
        href="#main"
        className={
          "sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:rounded focus:bg-white " +
          "focus:px-3 focus:py-2 focus:text-zinc-900"
        }
      >
        Skip to content
      </a>
      <div className="h-1" style={{ background: page.brandColor }} />
      <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mx-auto flex max-w-3xl flex-wrap items-center justify-between gap-3 px-4 py-5">
          <a href="/" className="flex items-center gap-3 text-xl font-bold tracking-tight">
            {page.logoUrl ? (
              // eslint-disable-next-line @next/next/no-img-element -- an operator-supplied URL on any host
              <img src={page.logoUrl} alt={page.name} className="h-8 w-auto" />
            ) : (
              page.name
            )}
          </a>
          <nav aria-label="Status page" className="flex items-center gap-4 text-sm font-medium">
            <a
              href="/history"
              className="text-zinc-700 hover:text-blue-700 hover:underline dark:text-zinc-300 dark:hover:text-blue-400"
            >
              Incident history
            </a>
            <a href="/subscriptions" className="rounded-md bg-blue-600 px-3 py-1.5 text-white hover:bg-blue-700">
              Subscribe to updates
            </a>
            {signedIn && (
              // A POST (app/viewer/sign-out): it clears the viewer cookie; a link would sign out on any prefetch.
              <form method="post" action="/viewer/sign-out">
                <button
                  type="submit"
                  className={
                    "rounded-md border border-zinc-300 px-3 py-1.5 text-zinc-700 hover:bg-zinc-100 " +
                    "dark:border-zinc-700 dark:text-zinc-300 dark:hover:bg-zinc-800"
                  }
                >
                  Sign out
                </button>
              </form>
            )}
          </nav>
        </div>
      </header>
      <main id="main" className="mx-auto w-full max-w-3xl flex-1 px-4 py-8">
        {children}
      </main>
      <footer
        className={
          "border-t border-zinc-200 bg-white text-sm text-zinc-600 " +
          "dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400"
        }
      >
        <div className="mx-auto max-w-3xl border-b border-zinc-200 px-4 py-6 dark:border-zinc-800">
          <div className="max-w-md text-zinc-900 dark:text-zinc-100">
            <SubscribeForm />
            <p className="mt-2 text-zinc-600 dark:text-zinc-400">
              Confirm by email; unsubscribe at any time.{" "}
              {/* Links in running text are underlined: colour alone does not tell them apart (axe
                 link-in-text-block). */}
              <a
                href="/subscriptions"
                className="text-blue-700 underline underline-offset-2 hover:decoration-2 dark:text-blue-400"
              >
                Choose components
              </a>
            </p>
          </div>
        </div>
        <div className="mx-auto flex max-w-3xl flex-wrap items-center justify-between gap-x-6 gap-y-2 px-4 py-6">
          <p data-tz={page.timeZone} suppressHydrationWarning>
            Times are shown in <span className="font-medium text-zinc-800 dark:text-zinc-200">{page.timeZone}</span>.
          </p>
          <p className="flex flex-wrap gap-x-4 gap-y-1">
            {page.supportUrl && (
              <a
                href={page.supportUrl}
                className="font-medium text-blue-700 underline underline-offset-2 hover:decoration-2 dark:text-blue-400"
                rel="noopener"
              >
                Contact support
              </a>
            )}
            <a href="/history.rss" className="underline underline-offset-2 hover:decoration-2">
              RSS
            </a>
            <a href="/history.atom" className="underline underline-offset-2 hover:decoration-2">
              Atom
            </a>
            <a href="/history.json" className="underline underline-offset-2 hover:decoration-2">
              JSON Feed
            </a>
            <a href="/maintenance.ics" className="underline underline-offset-2 hover:decoration-2">
              Maintenance calendar
            </a>
            <span>
              Powered by <span className="font-medium">Herald</span>
            </span>
          </p>
        </div>
      </footer>
      {/* The one script a snapshot keeps (lib/snapshots/html.ts): optional, the page is complete without it. */}
      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script of ours, allowed by its CSP hash */}
      <script data-keep dangerouslySetInnerHTML={{ __html: LOCAL_TIME_SCRIPT }} />
    </div>
  );
}
