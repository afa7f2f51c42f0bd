import Link from "next/link";
import type { ReactNode } from "react";
import { requireUser } from "@/app/_server/auth";
import { ConsoleNav } from "@/components/admin/console-nav";
import { getPage } from "@/lib/page/page";
import { getDb } from "@/lib/runtime";
import { SignOutButton } from "./sign-out-button";

export const dynamic = "force-dynamic";

const NAV = [
  { href: "/admin", label: "Incidents" },
  { href: "/admin/components", label: "Components" },
  { href: "/admin/maintenance", label: "Maintenance" },
  { href: "/admin/templates", label: "Templates" },
  { href: "/admin/metrics", label: "Metrics" },
  { href: "/admin/subscribers", label: "Subscribers" },
  { href: "/admin/audiences", label: "Audiences" },
  { href: "/admin/outbox", label: "Outbox" },
  { href: "/admin/settings", label: "Settings" },
  { href: "/admin/team", label: "Team" },
  { href: "/admin/integrations", label: "Integrations" },
  { href: "/admin/api-keys", label: "API keys" },
  { href: "/admin/audit", label: "Audit log" },
];

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const { user } = await requireUser();
  const page = await getPage(getDb());
  return (
    <div className="min-h-screen bg-zinc-50 dark:bg-zinc-950">
      <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link href="/admin" className="font-semibold">
            {page.name} <span className="font-normal text-zinc-500">· Herald</span>
          </Link>
          <ConsoleNav items={NAV} />
          <div className="ml-auto flex items-center gap-3 text-sm">
            <a href="/" className="text-zinc-600 hover:text-blue-700 dark:text-zinc-400">
              Status page ↗
            </a>
            <Link href="/admin/account" className="text-zinc-600 dark:text-zinc-400">
              {user.email}
            </Link>
            <SignOutButton />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-8">{children}</main>
    </div>
  );
}
