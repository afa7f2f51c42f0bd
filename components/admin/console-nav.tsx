"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";

export interface NavItem {
  href: string;
  label: string;
}

/** The console's sections; the current one is marked for sighted and screen-reader users. */
export function ConsoleNav({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  const isCurrent = (href: string) =>
    href === "/admin" ? pathname === "/admin" || pathname.startsWith("/admin/incidents") : pathname.startsWith(href);
  return (
    <nav aria-label="Console" className="flex flex-wrap gap-1 text-sm">
      {items.map((n) => (
        <Link
          key={n.href}
          href={n.href}
          aria-current={isCurrent(n.href) ? "page" : undefined}
          className={
            "rounded-md px-2.5 py-1.5 text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 " +
            "aria-[current=page]:bg-zinc-100 aria-[current=page]:font-medium aria-[current=page]:text-zinc-900 " +
            "dark:text-zinc-300 dark:hover:bg-zinc-800 dark:aria-[current=page]:bg-zinc-800 " +
            "dark:aria-[current=page]:text-white"
          }
        >
          {n.label}
        </Link>
      ))}
    </nav>
  );
}
