"use client";
import { useState, type FormEvent } from "react";
import { Button, Field, Input, NewPasswordInput } from "@/components/ui/form";
import { authClient } from "../login/auth-client";

const note = "rounded-md px-3 py-2 text-sm";

/** Asks for a link. The answer is the same whether or not the address has an account. */
export function RequestResetForm() {
  const [state, setState] = useState<{ sent?: boolean; error?: string }>({});
  const [pending, setPending] = useState(false);
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setPending(true);
    const { error } = await authClient.requestPasswordReset({
      email: String(new FormData(e.currentTarget).get("email")),
    });
    setPending(false);
    if (!error) return setState({ sent: true });
    if (error.status === 429) return setState({ error: "Too many requests. Wait a while and try again." });
    if (error.code === "USE_SSO")
      return setState({ error: "This address signs in with single sign-on: its password is managed there." });
    setState({ error: "Something went wrong. Try again." });
  }
  if (state.sent)
    return (
      <p role="status" className={`mt-6 bg-green-50 text-green-800 dark:bg-green-950 dark:text-green-200 ${note}`}>
        If that address has an account, a link to choose a new password is on its way. It works once, for one hour.
      </p>
    );
  return (
    <form onSubmit={onSubmit} className="mt-6 space-y-4" aria-label="Request a reset link">
      {state.error && (
        <p role="alert" className={`bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-200 ${note}`}>
          {state.error}
        </p>
      )}
      <Field label="Email" name="email">
        <Input name="email" type="email" required autoComplete="email" />
      </Field>
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Sending…" : "Send me a link"}
      </Button>
    </form>
  );
}

/** Sets the new password with the link's token; the link is used up and every session of the account ends. */
export function NewPasswordForm({ token, minLength }: { token: string; minLength: number }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const fd = new FormData(e.currentTarget);
    const newPassword = String(fd.get("newPassword"));
    if (newPassword !== String(fd.get("confirmPassword"))) return setError("The passwords do not match.");
    setPending(true);
    setError(null);
    const { error } = await authClient.resetPassword({ newPassword, token });
    setPending(false);
    if (!error) return window.location.assign("/admin/login?reset=1");
    if (error.status === 429) return setError("Too many attempts. Wait a minute and try again.");
    if (error.code === "INVALID_TOKEN")
      return setError(
        "This link does not work any more: it was used, or it is more than an hour old. Ask for a new one.",
      );
    if (error.code === "PASSWORD_TOO_SHORT") return setError(`At least ${minLength} characters.`);
    setError("Something went wrong. Try again.");
  }
  return (
    <form onSubmit={onSubmit} className="mt-6 space-y-4" aria-label="Choose a new password">
      {error && (
        <p role="alert" className={`bg-red-50 text-red-800 dark:bg-red-950 dark:text-red-200 ${note}`}>
          {error}
        </p>
      )}
      <Field label="New password" name="newPassword" hint={`At least ${minLength} characters.`}>
        <NewPasswordInput name="newPassword" minLength={minLength} />
      </Field>
      <Field label="Repeat the new password" name="confirmPassword">
        <Input name="confirmPassword" type="password" required autoComplete="new-password" />
      </Field>
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Saving…" : "Set the new password"}
      </Button>
    </form>
  );
}
