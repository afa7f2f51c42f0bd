import { EventChoice } from "@/components/status/subscription-fields";
import { ComponentSections } from "@/components/ui/component-sections";
import { listComponentSections } from "@/lib/components/order";
import { getPage } from "@/lib/page/page";
import { getDb, systemClock } from "@/lib/runtime";
import { viewByManageToken } from "@/lib/subscribers/subscribe";
import { buttonClass, secondaryClass, InvalidLink, SubscriptionShell, tokenParam } from "../shell";

/** Preferences: which components and events to hear about, pause / resume, or unsubscribe. All act by POST. */
export default async function ManagePage({ searchParams }: { searchParams: Promise<{ token?: string | string[] }> }) {
  const token = tokenParam((await searchParams).token);
  const db = getDb();
  const page = await getPage(db);
  const view = await viewByManageToken({ db, now: systemClock }, page.id, token);
  if (!view || view.state === "quarantined") return <InvalidLink />;
  if (view.state === "unsubscribed")
    return (
      <SubscriptionShell title="You are unsubscribed">
        <p className="text-sm">
          {view.email} receives no more updates. Subscribe again from the status page at any time.
        </p>
      </SubscriptionShell>
    );
  const sections = await listComponentSections(db, page.id, { audience: "public" });
  const chosen = new Set(view.componentIds);
  return (
    <SubscriptionShell title="Your subscription">
      <p className="mb-4 text-sm">
        Updates go to <strong>{view.email}</strong>.{view.paused && " Paused: nothing is sent until you resume."}
      </p>
      {view.following.length > 0 && (
        <div className="mb-4 text-sm">
          <p>You follow:</p>
          <ul className="ml-5 list-disc">
            {view.following.map((name) => (
              <li key={name}>{name}</li>
            ))}
          </ul>
          {view.incidentOnly && <p className="mt-2">Save preferences below to get all updates of this page as well.</p>}
        </div>
      )}
      <form method="post" action="/subscriptions/manage/submit" className="mb-6 space-y-3">
        <input type="hidden" name="token" value={token} />
        {sections.length > 0 && (
          <fieldset>
            <legend className="mb-1 text-sm font-medium">Components (none ticked = everything)</legend>
            <ComponentSections sections={sections} listClassName="space-y-1">
              {(c) => (
                <label className="flex items-center gap-2 text-sm">
                  <input type="checkbox" name="component" value={c.id} defaultChecked={chosen.has(c.id)} />
                  {c.name}
                </label>
              )}
            </ComponentSections>
          </fieldset>
        )}
        <EventChoice chosen={view.events} />
        <button type="submit" className={buttonClass}>
          Save preferences
        </button>
      </form>
      {view.state === "active" && (
        <form method="post" action="/subscriptions/manage/pause" className="mb-3">
          <input type="hidden" name="token" value={token} />
          <input type="hidden" name="paused" value={view.paused ? "0" : "1"} />
          <button type="submit" className={secondaryClass}>
            {view.paused ? "Resume updates" : "Pause updates"}
          </button>
        </form>
      )}
      <form method="post" action="/subscriptions/one-click">
        <input type="hidden" name="token" value={token} />
        <button type="submit" className={secondaryClass}>
          Unsubscribe from everything
        </button>
      </form>
    </SubscriptionShell>
  );
}
