import { EmailAndSubmit, Honeypot } from "./subscription-fields";

/**
 * The public subscribe form: a plain HTML POST that works without JavaScript
 * (app/subscriptions/new/route.ts). `website` is a honeypot hidden from people
 * (and from assistive technology); bots that fill every field are dropped.
 */
export function SubscribeForm({ components = [] }: { components?: { id: string; name: string }[] }) {
  return (
    <form method="post" action="/subscriptions/new" className="space-y-3" aria-label="Subscribe to updates">
      <div>
        <label htmlFor="subscribe-email" className="block text-sm font-medium">
          Get email updates
        </label>
        <div className="mt-1 flex gap-2">
          <EmailAndSubmit id="subscribe-email" submit="Subscribe" />
        </div>
      </div>
      {components.length > 0 && (
        <details className="text-sm">
          <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">Only some components (default: all)</summary>
          <div className="mt-2 grid grid-cols-2 gap-1">
            {components.map((c) => (
              <label key={c.id} className="flex items-center gap-2">
                <input type="checkbox" name="component" value={c.id} />
                {c.name}
              </label>
            ))}
          </div>
        </details>
      )}
      <Honeypot />
    </form>
  );
}
