"use client";
import { useActionState } from "react";
import { Button, Field, FormMessage, Input } from "@/components/ui/form";
import { setupOwnerAction } from "./actions";

export function SetupForm() {
  const [state, action, pending] = useActionState(setupOwnerAction, {});
  return (
    <form action={action} className="mt-8 space-y-4">
      <FormMessage state={state} />
      <Field label="Status page name" name="pageName" errors={state.fieldErrors}>
        <Input name="pageName" placeholder="Acme Status" maxLength={255} />
      </Field>
      <Field label="Your name" name="name" errors={state.fieldErrors}>
        <Input name="name" required autoComplete="name" maxLength={255} />
      </Field>
      <Field label="Email" name="email" errors={state.fieldErrors}>
        <Input name="email" type="email" required autoComplete="email" />
      </Field>
      <Field label="Password" name="password" errors={state.fieldErrors} hint="At least 10 characters.">
        <Input name="password" type="password" required minLength={10} autoComplete="new-password" />
      </Field>
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? "Creating…" : "Create owner account"}
      </Button>
    </form>
  );
}
