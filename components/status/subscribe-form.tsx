import { Honeypot } from "./honeypot";

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
          <input
            id="subscribe-email"
            type="email"
            name="email"
            required
            maxLength={254}
            autoComplete="email"
            placeholder="you@example.com"
            className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
          />
          <button className="rounded-md bg-blue-600 px-4 py-2 text-sm font-medium text-white hover:bg-blue-700">Subscribe</button>
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
