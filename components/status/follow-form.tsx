import { Honeypot } from "./honeypot";

/**
 * "Follow this incident" on the public incident page: a plain HTML POST that
 * works without JavaScript (app/subscriptions/follow/route.ts). Same honeypot
 * as the subscribe form.
 */
export function FollowForm({ incidentId }: { incidentId: string }) {
  return (
    <form method="post" action="/subscriptions/follow" className="space-y-2" aria-label="Follow this incident">
      <input type="hidden" name="incident" value={incidentId} />
      <label htmlFor="follow-email" className="block text-sm font-medium">
        Get email updates about this incident
      </label>
      <div className="flex gap-2">
        <input
          id="follow-email"
          type="email"
          name="email"
          required
          maxLength={254}
          autoComplete="email"
          placeholder="you@example.com"
          className="block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900"
        />
        <button className="rounded-md bg-blue-600 px-4 py-2 text-sm font-medium whitespace-nowrap text-white hover:bg-blue-700">Follow</button>
      </div>
      <Honeypot />
    </form>
  );
}
