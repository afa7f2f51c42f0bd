import Link from "next/link";
import { requireConsolePage } from "@/app/_server/auth";
import { Card, linkClass, PageHeader, ReadOnlyNotice } from "@/components/admin/ui";
import { ImportForm } from "./import-form";

export const metadata = { title: "Import · Settings · Herald" };

export default async function ImportPage() {
  const { canAdmin } = await requireConsolePage();
  return (
    <>
      <PageHeader
        title="Import from Statuspage"
        description={
          "Bring a Statuspage page over with its ids, history and subscribers. " +
          "Nothing is emailed and nobody is notified."
        }
      />
      {!canAdmin && <ReadOnlyNotice>Only admins can import.</ReadOnlyNotice>}
      <Card className="max-w-2xl">
        <ImportForm disabled={!canAdmin} />
      </Card>
      <p className="mt-4 max-w-2xl text-sm text-zinc-600 dark:text-zinc-400">
        Running it again later updates what changed and never duplicates anything. Subscribers keep the confirmation
        state they had on Statuspage; Herald never changes it. To move or back up a Herald page, use{" "}
        <code>npm run herald -- export</code> (see the README).{" "}
        <Link href="/admin/settings" className={linkClass}>
          Back to settings
        </Link>
      </p>
    </>
  );
}
