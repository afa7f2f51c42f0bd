import { currentOidc } from "@/app/_server/auth";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/auth";
import { getAuthSettings, passwordSignInBlocked, ssoDomainOf } from "@/lib/auth/policy";
import { getPage } from "@/lib/page/page";
import { getDb, systemClock } from "@/lib/runtime";
import { lookUpInvitation } from "@/lib/users/invitations";
import { AcceptInvitationForm } from "./invite-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Accept your invitation · Herald" };

// Opening the link only shows the form (mail scanners prefetch links); the invitation is used when the form is sent.
export default async function InvitePage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const raw = (await searchParams).token;
  const token = typeof raw === "string" ? raw : "";
  const found = await lookUpInvitation(getDb(), token, systemClock());
  const page = await getPage(getDb());
  if (!found.ok)
    return (
      <main className="mx-auto max-w-sm px-6 py-16">
        <h1 className="text-2xl font-semibold">Invitation</h1>
        <p
          role="alert"
          className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100"
        >
          {found.reason}
        </p>
        <p className="mt-6 text-sm">
          <a href="/admin/login" className="text-zinc-600 underline hover:text-blue-700 dark:text-zinc-400">
            Go to sign in
          </a>
        </p>
      </main>
    );
  const settings = await getAuthSettings(getDb());
  const oidc = await currentOidc();
  const sso = !!oidc && !!ssoDomainOf(settings, found.email);
  return (
    <main className="mx-auto max-w-sm px-6 py-16">
      <h1 className="text-2xl font-semibold">Join {page.name}</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
        You are invited to the status console as {found.role === "viewer" ? "a viewer" : `an ${found.role}`}.
      </p>
      <AcceptInvitationForm
        token={token}
        email={found.email}
        password={!passwordSignInBlocked(settings, found.email, oidc)}
        sso={sso}
        minLength={MIN_PASSWORD_LENGTH}
      />
    </main>
  );
}
