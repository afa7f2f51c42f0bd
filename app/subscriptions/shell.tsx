import type { ReactNode } from "react";
import { getPage } from "@/lib/page/page";
import { getDb } from "@/lib/runtime";

/** Frame of the subscription pages: the page's name, a card, a way back. */
export async function SubscriptionShell({ title, children }: { title: string; children: ReactNode }) {
  const page = await getPage(getDb());
  return (
    <main className="mx-auto max-w-lg px-4 py-12">
      <p className="mb-6 text-sm">
        {/* The brand colour marks the name but never colours text: an operator's colour may not contrast in either
           scheme. */}
        <a
          href="/"
          className="border-l-4 pl-2 font-semibold text-zinc-900 hover:underline dark:text-zinc-100"
          style={{ borderColor: page.brandColor }}
        >
          {page.name}
        </a>
      </p>
      <div className="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <h1 className="mb-4 text-xl font-semibold">{title}</h1>
        {children}
      </div>
    </main>
  );
}

/** The answer to a token that matches nothing (or nothing that may act any more). */
export function InvalidLink({ children = "Use the link from a recent email." }: { children?: ReactNode }) {
  return (
    <SubscriptionShell title="This link is not valid">
      <p className="text-sm">{children}</p>
    </SubscriptionShell>
  );
}

export const buttonClass =
  "inline-flex items-center justify-center rounded-md bg-blue-600 px-4 py-2 text-sm font-medium text-white shadow-sm " +
  "hover:bg-blue-700";
export const secondaryClass =
  "inline-flex items-center justify-center rounded-md border border-zinc-300 bg-white px-4 py-2 text-sm font-medium " +
  "text-zinc-900 hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100";

export function tokenParam(v: string | string[] | undefined): string {
  return typeof v === "string" ? v.slice(0, 100) : "";
}
