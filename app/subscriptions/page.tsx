import { SubscribeForm } from "@/components/status/subscribe-form";
import { listComponents } from "@/lib/components/components";
import { getPage } from "@/lib/page/page";
import { getDb } from "@/lib/runtime";
import { SubscriptionShell } from "./shell";

/** A page of its own for the subscribe form (the status page embeds the same form). */
export default async function SubscribePage() {
  const db = getDb();
  const page = await getPage(db);
  const components = (await listComponents(db, page.id)).filter((c) => !c.hidden && !c.deletedAt).map((c) => ({ id: c.id, name: c.name }));
  return (
    <SubscriptionShell title="Subscribe to updates">
      <SubscribeForm components={components} />
    </SubscriptionShell>
  );
}
