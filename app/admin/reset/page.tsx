import { MIN_PASSWORD_LENGTH } from "@/lib/auth/auth";
import { NewPasswordForm, RequestResetForm } from "./reset-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Reset your password · Herald" };

// Opening the emailed link changes nothing (mail scanners prefetch links): the token is used only when the form
// is sent.
export default async function ResetPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const token = (await searchParams).token;
  const valid = typeof token === "string" && /^[A-Za-z0-9_-]{10,100}$/.test(token);
  return (
    <main className="mx-auto max-w-sm px-6 py-16">
      <h1 className="text-2xl font-semibold">{valid ? "Choose a new password" : "Reset your password"}</h1>
      {valid ? (
        <NewPasswordForm token={token} minLength={MIN_PASSWORD_LENGTH} />
      ) : (
        <>
          <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">We email you a link to choose a new one.</p>
          <RequestResetForm />
        </>
      )}
      <p className="mt-6 text-sm">
        <a href="/admin/login" className="text-zinc-600 underline hover:text-blue-700 dark:text-zinc-400">
          Back to sign in
        </a>
      </p>
    </main>
  );
}
