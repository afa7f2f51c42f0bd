"use client";
import { useActionState, useState } from "react";
import { Button, Field, FormMessage, Input, NewPasswordInput } from "@/components/ui/form";
import { startSso } from "../login/auth-client";
import { acceptInvitationAction } from "./actions";

export function AcceptInvitationForm({
  token,
  email,
  password,
  sso,
  minLength,
}: {
  token: string;
  email: string;
  password: boolean;
  sso: boolean;
  minLength: number;
}) {
  const [state, action, pending] = useActionState(acceptInvitationAction, {});
  const [ssoError, setSsoError] = useState<string | null>(null);
  return (
    <>
      {sso && (
        <div className="mt-8 space-y-2">
          {ssoError && (
            <p
              role="alert"
              className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200"
            >
              {ssoError}
            </p>
          )}
          <Button
            type="button"
            variant={password ? "secondary" : "primary"}
            className="w-full"
            onClick={async () => setSsoError(await startSso())}
          >
            Continue with single sign-on
          </Button>
          <p className="text-xs text-zinc-500">Sign in at your identity provider as {email}.</p>
        </div>
      )}
      {password && (
        <form action={action} className="mt-8 space-y-4" aria-label="Accept the invitation">
          <FormMessage state={state} />
          <input type="hidden" name="token" value={token} />
          <Field label="Email" name="email-shown">
            <Input name="email-shown" value={email} readOnly disabled />
          </Field>
          <Field label="Your name" name="name" errors={state.fieldErrors}>
            <Input name="name" required autoComplete="name" maxLength={255} />
          </Field>
          <Field label="Password" name="password" errors={state.fieldErrors} hint={`At least ${minLength} characters.`}>
            <NewPasswordInput name="password" minLength={minLength} />
          </Field>
          <Field label="Repeat the password" name="confirmPassword" errors={state.fieldErrors}>
            <Input name="confirmPassword" type="password" required autoComplete="new-password" />
          </Field>
          <Button type="submit" disabled={pending} className="w-full">
            {pending ? "Creating your account…" : "Join"}
          </Button>
        </form>
      )}
    </>
  );
}
