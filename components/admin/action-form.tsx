"use client";
import { createContext, useActionState, useContext, useEffect, useRef, useState, useTransition, type FormEvent, type ReactNode } from "react";
import type { FieldErrors } from "@/lib/errors";
import { Button, FormMessage } from "@/components/ui/form";

/** Mirrors app/_server/actions.ts ActionState (that module is server-only). */
export interface FormState {
  ok?: boolean;
  message?: string;
  error?: string;
  fieldErrors?: FieldErrors;
  secret?: string;
}

type FormAction = (prev: FormState, fd: FormData) => Promise<FormState>;

const FormContext = createContext<{ errors?: FieldErrors; pending: boolean }>({ pending: false });

/**
 * A console form bound to a server action through useActionState. Field
 * components inside read the action's per-field errors from context, so
 * server-rendered fields get inline errors. With JavaScript the submit is
 * dispatched by hand (React would otherwise reset the fields after every
 * submit, losing the input on a validation error); without it the form posts
 * natively and the page renders the returned state.
 */
export function ActionForm({
  action,
  children,
  className = "space-y-4",
  resetOnSuccess = false,
  quiet = false,
  "aria-label": ariaLabel,
}: {
  action: FormAction;
  children: ReactNode;
  className?: string;
  resetOnSuccess?: boolean;
  /** Only errors, no success message (small inline forms whose result shows on the page). */
  quiet?: boolean;
  "aria-label"?: string;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  const [, startTransition] = useTransition();
  const ref = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (state.ok && resetOnSuccess) ref.current?.reset();
  }, [state, resetOnSuccess]);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const submitter = (e.nativeEvent as SubmitEvent).submitter;
    const fd = new FormData(e.currentTarget, submitter instanceof HTMLButtonElement ? submitter : null);
    startTransition(() => formAction(fd));
  }

  return (
    <form ref={ref} action={formAction} onSubmit={onSubmit} className={className} aria-label={ariaLabel}>
      <FormContext value={{ errors: state.fieldErrors, pending }}>
        <FormMessage state={quiet ? { error: state.error } : state} />
        {state.secret && <SecretBox secret={state.secret} />}
        {children}
      </FormContext>
    </form>
  );
}

function SecretBox({ secret }: { secret: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-700 dark:bg-amber-950">
      <p className="font-medium text-amber-900 dark:text-amber-100">Copy this key now. It is shown only once.</p>
      <div className="mt-2 flex gap-2">
        <input
          readOnly
          value={secret}
          aria-label="New API key"
          data-testid="new-api-key"
          onFocus={(e) => e.currentTarget.select()}
          className="w-full rounded-md border border-amber-300 bg-white px-2 py-1 font-mono text-xs dark:border-amber-700 dark:bg-zinc-900"
        />
        <Button
          type="button"
          variant="secondary"
          onClick={() => {
            void navigator.clipboard?.writeText(secret).then(() => setCopied(true));
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
    </div>
  );
}

/** Inline errors for one field of the surrounding ActionForm. */
export function ErrorsFor({ name }: { name: string }) {
  const { errors } = useContext(FormContext);
  const messages = errors?.[name];
  if (!messages?.length) return null;
  return (
    <>
      {messages.map((m) => (
        <p key={m} id={`${name}-error`} className="mt-1 text-xs text-red-700 dark:text-red-400" role="alert">
          {m}
        </p>
      ))}
    </>
  );
}

/** A submit button that shows progress while its form's action runs. */
export function SubmitButton({
  children,
  pendingLabel,
  variant = "primary",
  className,
  name,
  value,
}: {
  children: ReactNode;
  pendingLabel?: string;
  variant?: "primary" | "secondary" | "danger";
  className?: string;
  name?: string;
  value?: string;
}) {
  const { pending } = useContext(FormContext);
  return (
    <Button type="submit" variant={variant} disabled={pending} className={className} name={name} value={value}>
      {pending && pendingLabel ? pendingLabel : children}
    </Button>
  );
}
