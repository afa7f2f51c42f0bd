import { EmailAndSubmit, Honeypot } from "./subscription-fields";

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
        <EmailAndSubmit id="follow-email" submit="Follow" />
      </div>
      <Honeypot />
    </form>
  );
}
