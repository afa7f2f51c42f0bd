import type { Metadata } from "next";
import type { ReactNode } from "react";

// Links here carry secret tokens: never leak them through Referer, never index.
export const metadata: Metadata = { referrer: "no-referrer", robots: { index: false, follow: false } };
export const dynamic = "force-dynamic";

export default function SubscriptionsLayout({ children }: { children: ReactNode }) {
  return <div className="min-h-screen bg-zinc-50 dark:bg-zinc-950">{children}</div>;
}
