import { ComponentSections } from "@/components/ui/component-sections";
import type { ComponentSection } from "@/lib/components/order";
import { DEFAULT_EMAIL_EVENTS } from "@/db/constants";
import { EmailAndSubmit, EventChoice, Honeypot } from "./subscription-fields";

/**
 * The public subscribe form: a plain HTML POST that works without JavaScript
 * (app/subscriptions/new/route.ts). `website` is a honeypot hidden from people
 * (and from assistive technology); bots that fill every field are dropped.
 * With `sections` (the subscribe page: the page's components in its order,
 * under their groups, lib/components/order.ts) the component list is shown open;
 * `email`, `error` and `chosen` show the form again after a rejected address
 * (app/subscriptions/retry.ts).
 */
export function SubscribeForm({
  sections = [],
  email,
  error,
  chosen,
  events = false,
}: {
  sections?: ComponentSection<{ id: string; name: string }>[];
  email?: string;
  error?: string;
  chosen?: ReadonlySet<string>;
  /** Offer the event choice (the subscribe page); without it the subscription gets DEFAULT_EMAIL_EVENTS. */
  events?: boolean;
}) {
  return (
    <form method="post" action="/subscriptions/new" className="space-y-3" aria-label="Subscribe to updates">
      <div>
        <label htmlFor="subscribe-email" className="block text-sm font-medium">
          Get email updates
        </label>
        <div className="mt-1 flex gap-2">
          <EmailAndSubmit
            id="subscribe-email"
            submit="Subscribe"
            defaultValue={email}
            errorId={error ? "subscribe-email-error" : undefined}
          />
        </div>
        {error && (
          <p id="subscribe-email-error" role="alert" className="mt-1 text-sm text-red-700 dark:text-red-400">
            {error}
          </p>
        )}
      </div>
      {sections.length > 0 && (
        <fieldset className="text-sm">
          <legend className="mb-2 text-zinc-600 dark:text-zinc-400">
            Only some components (none ticked: all of them)
          </legend>
          <ComponentSections sections={sections} listClassName="grid grid-cols-2 gap-1">
            {(c) => (
              <label className="flex items-center gap-2">
                <input type="checkbox" name="component" value={c.id} defaultChecked={chosen?.has(c.id)} />
                {c.name}
              </label>
            )}
          </ComponentSections>
        </fieldset>
      )}
      {events && <EventChoice chosen={DEFAULT_EMAIL_EVENTS} />}
      <Honeypot />
    </form>
  );
}
