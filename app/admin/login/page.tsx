import { redirect } from "next/navigation";
import { currentOidc, getSessionUser } from "@/app/_server/auth";
import { getDb } from "@/lib/runtime";
import { hasOwner } from "@/lib/users/users";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in · Herald" };

/** Why better-auth sent the browser back from single sign-on (the ?error= of its callback), in plain words. */
function ssoError(error: string | undefined): string | undefined {
  if (!error) return undefined;
  if (
    /unable_to_create_user|signup_disabled|unable_to_create_session|unable_to_link_account|account_not_linked/i.test(
      error,
    )
  )
    return "Single sign-on worked, but this address has no access to this console. Ask an admin for an invitation.";
  return "Single sign-on did not complete. Try again.";
}

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ error?: string | string[]; reset?: string }>;
}) {
  if (!(await hasOwner(getDb()))) redirect("/admin/setup");
  if (await getSessionUser()) redirect("/admin");
  const sp = await searchParams;
  return (
    <main className="mx-auto max-w-sm px-6 py-16">
      <h1 className="text-2xl font-semibold">Sign in to Herald</h1>
      {sp.reset === "1" && (
        <p
          role="status"
          className="mt-4 rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 dark:bg-green-950 dark:text-green-200"
        >
          Password changed. Sign in with the new one.
        </p>
      )}
      <LoginForm
        sso={!!(await currentOidc())}
        initialError={ssoError([sp.error ?? []].flat().join(" ") || undefined)}
      />
    </main>
  );
}
