import type { Metadata } from "next";
import type { ReactNode } from "react";
import { getPage } from "@/lib/page/page";
import { getDb } from "@/lib/runtime";

// Viewer sign-in (issue 13). Links here carry one-time tokens: no Referer, no indexing.
export async function generateMetadata(): Promise<Metadata> {
  const page = await getPage(getDb());
  return { title: `Sign in · ${page.name} Status`, referrer: "no-referrer", robots: { index: false, follow: false } };
}
export const dynamic = "force-dynamic";

export default function ViewerLayout({ children }: { children: ReactNode }) {
  return <div className="min-h-screen bg-zinc-50 dark:bg-zinc-950">{children}</div>;
}
