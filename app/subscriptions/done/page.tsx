import { SubscriptionShell } from "../shell";

const MESSAGES: Record<string, { title: string; body: string }> = {
  confirmed: {
    title: "Subscription confirmed",
    body:
      "You will get an email when an incident or maintenance is posted. Every email has a link to change or stop " +
      "it.",
  },
  saved: { title: "Preferences saved", body: "Your choice applies to the next update." },
  paused: {
    title: "Subscription paused",
    body: "Nothing is sent to this address until you resume it from the same link.",
  },
  resumed: { title: "Subscription resumed", body: "You will get the next update." },
  unsubscribed: { title: "You are unsubscribed", body: "No more updates will be sent to this address." },
  invalid: { title: "This link is not valid", body: "It may have been used already or expired." },
};

export default async function DonePage({ searchParams }: { searchParams: Promise<{ what?: string }> }) {
  const m = MESSAGES[(await searchParams).what ?? ""] ?? MESSAGES.invalid;
  return (
    <SubscriptionShell title={m.title}>
      <p className="text-sm">{m.body}</p>
      <p className="mt-4 text-sm">
        <a href="/" className="text-blue-700 underline">
          Back to the status page
        </a>
      </p>
    </SubscriptionShell>
  );
}
