import { redirect } from "next/navigation";
import { requireUser } from "@/app/_server/auth";
import { getAuthSettings, mustEnrolTwoFactor } from "@/lib/auth/policy";
import { SignOutButton } from "../(console)/sign-out-button";
import { EnrolForm } from "./enrol-form";
import { hasPassword } from "@/lib/users/users";

export const dynamic = "force-dynamic";
export const metadata = { title: "Two-factor sign-in · Herald" };

// Outside the console layout on purpose: when the owner requires two-factor,
// every console request of an account without it lands here, and this page
// must not bounce back to itself.
export default async function TwoFactorPage() {
  const { user, ctx } = await requireUser("viewer", { enrolling: true });
  if (user.twoFactorEnabled) redirect("/admin/account");
  const required = (await getAuthSettings(ctx.db)).requireTwoFactor && (await mustEnrolTwoFactor(ctx.db, user));
  return (
    <main className="mx-auto max-w-lg px-6 py-16">
      <h1 className="text-2xl font-semibold">Two-factor sign-in</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
        {required
          ? "This console requires a second step at sign-in. Set it up now to continue."
          : "Sign-in will ask for a code from an app on your phone as well as your password."}
      </p>
      <EnrolForm needsPassword={await hasPassword(ctx.db, user.id)} />
      <div className="mt-10 flex gap-4 text-sm">
        {!required && (
          <a href="/admin/account" className="text-zinc-600 underline hover:text-blue-700 dark:text-zinc-400">
            Back to your account
          </a>
        )}
        <SignOutButton />
      </div>
    </main>
  );
}
