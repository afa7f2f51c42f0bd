import Link from "next/link";
import { linkClass } from "@/components/admin/ui";

/** The way back to the outbox list, above an email's or a notification's page. */
export function BackToOutbox() {
  return (
    <p className="mb-2 text-sm">
      <Link href="/admin/outbox" className={linkClass}>
        ← Outbox
      </Link>
    </p>
  );
}
