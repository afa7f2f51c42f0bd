import type { Metadata } from "next";
import type { ReactNode } from "react";
import { getPage } from "@/lib/page/page";
import { getDb } from "@/lib/runtime";

// Links here carry secret tokens: never leak them through Referer, never index.
// Every page needs a document title (axe document-title; e2e/accessibility.spec.ts).
export async function generateMetadata(): Promise<Metadata> {
  const page = await getPage(getDb());
  return {
    title: `Email updates · ${page.name} Status`,
    referrer: "no-referrer",
    robots: { index: false, follow: false },
  };
}
export const dynamic = "force-dynamic";

export default function SubscriptionsLayout({ children }: { children: ReactNode }) {
  return <div className="min-h-screen bg-zinc-50 dark:bg-zinc-950">{children}</div>;
}
