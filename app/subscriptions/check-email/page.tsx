import { SubscriptionShell } from "../shell";

export default async function CheckEmailPage({ searchParams }: { searchParams: Promise<{ invalid?: string }> }) {
  const { invalid } = await searchParams;
  if (invalid)
    return (
      <SubscriptionShell title="That address does not look right">
        <p className="text-sm">Go back and enter a valid email address.</p>
      </SubscriptionShell>
    );
  return (
    <SubscriptionShell title="Check your inbox">
      <p className="text-sm leading-6">
        If the address can receive updates, we have sent it an email with a link to confirm the subscription. Nothing is
        sent to it until the subscription is confirmed. The link works for 7 days.
      </p>
    </SubscriptionShell>
  );
}
