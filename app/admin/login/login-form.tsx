"use client";
import { useState, type FormEvent } from "react";
import { Button, Field, Input } from "@/components/ui/form";
import { authClient, startSso } from "./auth-client";

function Alert({ children }: { children: string }) {
  return (
    <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
      {children}
    </p>
  );
}

function messageFor(error: { status: number; code?: string }): string {
  if (error.status === 429) return "Too many attempts. Wait a few minutes and try again.";
  if (error.code === "USE_SSO") return "This address signs in with single sign-on.";
  return "Wrong email or password.";
}

/** Password, then (for accounts with two-factor) a code from the authenticator app or a recovery code. */
export function LoginForm({ sso, initialError }: { sso: boolean; initialError?: string }) {
  const [error, setError] = useState<string | null>(initialError ?? null);
  const [pending, setPending] = useState(false);
  const [step, setStep] = useState<"password" | "code" | "recovery">("password");

  async function onPassword(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(null);
    const fd = new FormData(e.currentTarget);
    const { data, error } = await authClient.signIn.email({
      email: String(fd.get("email")),
      password: String(fd.get("password")),
    });
    setPending(false);
    if (error) return setError(messageFor(error));
    if (data && "twoFactorRedirect" in data && data.twoFactorRedirect) return setStep("code");
    window.location.assign("/admin");
  }

  async function onCode(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    setError(null);
    const code = String(new FormData(e.currentTarget).get("code")).replace(/\s+/g, "");
    const { error } =
      step === "code"
        ? await authClient.twoFactor.verifyTotp({ code })
        : await authClient.twoFactor.verifyBackupCode({ code });
    setPending(false);
    if (error) {
      if (error.status === 429) return setError("Too many wrong codes. Wait a few minutes and try again.");
      if (error.code === "INVALID_TWO_FACTOR_COOKIE" || error.code === "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE") {
        setStep("password");
        return setError("Sign in again: that sign-in attempt has ended.");
      }
      return setError(
        step === "code"
          ? "That code is not right. Codes change every 30 seconds."
          : "That recovery code is not right or was used already.",
      );
    }
    window.location.assign("/admin");
  }

  if (step !== "password")
    return (
      <form onSubmit={onCode} className="mt-8 space-y-4" aria-label="Two-factor code">
        {error && <Alert>{error}</Alert>}
        {step === "code" ? (
          <Field label="Code from your authenticator app" name="code">
            <Input
              name="code"
              key="code"
              required
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="[0-9 ]{6,7}"
              maxLength={7}
              autoFocus
            />
          </Field>
        ) : (
          <Field label="Recovery code" name="code" hint="Each recovery code works once.">
            <Input name="code" key="recovery" required autoComplete="off" maxLength={40} autoFocus />
          </Field>
        )}
        <Button type="submit" disabled={pending} className="w-full">
          {pending ? "Checking…" : "Verify"}
        </Button>
        <button
          type="button"
          className="text-sm text-zinc-600 underline hover:text-blue-700 dark:text-zinc-400"
          onClick={() => {
            setError(null);
            setStep(step === "code" ? "recovery" : "code");
          }}
        >
          {step === "code" ? "Use a recovery code instead" : "Use a code from the app instead"}
        </button>
      </form>
    );

  return (
    <>
      <form onSubmit={onPassword} className="mt-8 space-y-4" aria-label="Sign in">
        {error && <Alert>{error}</Alert>}
        <Field label="Email" name="email">
          <Input name="email" type="email" required autoComplete="email" />
        </Field>
        <Field label="Password" name="password">
          <Input name="password" type="password" required autoComplete="current-password" />
        </Field>
        <Button type="submit" disabled={pending} className="w-full">
          {pending ? "Signing in…" : "Sign in"}
        </Button>
        <p className="text-sm">
          <a href="/admin/reset" className="text-zinc-600 underline hover:text-blue-700 dark:text-zinc-400">
            Forgot your password?
          </a>
        </p>
      </form>
      {sso && (
        <div className="mt-6 border-t border-zinc-200 pt-6 dark:border-zinc-800">
          <Button
            type="button"
            variant="secondary"
            className="w-full"
            disabled={pending}
            onClick={async () => {
              setPending(true);
              const err = await startSso();
              if (err) {
                setPending(false);
                setError(err);
              }
            }}
          >
            Sign in with single sign-on
          </Button>
        </div>
      )}
    </>
  );
}
