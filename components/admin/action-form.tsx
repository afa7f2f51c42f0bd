"use client";
import {
  createContext,
  useActionState,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  useTransition,
  type FormEvent,
  type ReactNode,
} from "react";
import type { FieldErrors } from "@/lib/errors";
import { Button, FormMessage } from "@/components/ui/form";

/** What a console form's server action returns (app/_server/actions.ts runAction's ActionState). */
export interface FormState {
  ok?: boolean;
  message?: string;
  error?: string;
  fieldErrors?: FieldErrors;
  /** Shown once (e.g. a new API key). */
  secret?: string;
  /** What the secret is, for "Copy this … now" (default "API key"). */
  secretLabel?: string;
}

export type FormAction = (prev: FormState, fd: FormData) => Promise<FormState>;

const FormContext = createContext<{ errors?: FieldErrors; pending: boolean; idPrefix: string }>({
  pending: false,
  idPrefix: "",
});

const errorId = (idPrefix: string, name: string) => `${idPrefix}${name}-error`;

/**
 * A "GET" submit button inside the form (formMethod="get", e.g. "Use
 * template"): the page is loaded with the form's values in the query. Empty
 * fields and component selects left at their current status (`was.<id>`) are
 * dropped to keep the URL short; without JavaScript the browser sends them all.
 */
function navigateWithForm(submitter: HTMLButtonElement, fd: FormData) {
  const url = new URL(submitter.formAction);
  for (const [key, value] of fd) {
    if (typeof value !== "string" || value === "" || key.startsWith("was.")) continue;
    if (key.startsWith("status.") && fd.get(`was.${key.slice("status.".length)}`) === value) continue;
    url.searchParams.append(key, value);
  }
  window.location.assign(url);
}

/**
 * Marks the controls the action rejected (aria-invalid, described by their
 * message beside them) and moves focus to the first, so a keyboard or screen
 * reader user lands on what to fix.
 */
function markInvalid(form: HTMLFormElement, errors: FieldErrors | undefined, idPrefix: string) {
  let first: HTMLElement | null = null;
  for (const el of Array.from(form.elements)) {
    if (
      !(el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) ||
      !el.name ||
      el.type === "hidden"
    )
      continue;
    const bad = !!errors?.[el.name]?.length;
    if (bad) {
      el.setAttribute("aria-invalid", "true");
      el.setAttribute("aria-describedby", errorId(idPrefix, el.name));
      first ??= el;
    } else if (el.getAttribute("aria-invalid")) {
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    }
  }
  first?.focus();
}

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
  const idPrefix = useId();

  useEffect(() => {
    if (state.ok && resetOnSuccess) ref.current?.reset();
    if (ref.current) markInvalid(ref.current, state.fieldErrors, idPrefix);
  }, [state, resetOnSuccess, idPrefix]);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const submitter = (e.nativeEvent as SubmitEvent).submitter;
    const button = submitter instanceof HTMLButtonElement ? submitter : null;
    const fd = new FormData(e.currentTarget, button);
    if (button?.getAttribute("formmethod")?.toLowerCase() === "get") return navigateWithForm(button, fd);
    startTransition(() => formAction(fd));
  }

  return (
    <form ref={ref} action={formAction} onSubmit={onSubmit} className={className} aria-label={ariaLabel}>
      <FormContext value={{ errors: state.fieldErrors, pending, idPrefix }}>
        <FormMessage state={quiet ? { error: state.error } : state} />
        {state.secret && <SecretBox secret={state.secret} label={state.secretLabel ?? "API key"} />}
        {children}
      </FormContext>
    </form>
  );
}

function SecretBox({ secret, label }: { secret: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-700 dark:bg-amber-950">
      <p className="font-medium text-amber-900 dark:text-amber-100">Copy this {label} now. It is shown only once.</p>
      <div className="mt-2 flex gap-2">
        <input
          readOnly
          value={secret}
          aria-label={`New ${label}`}
          data-testid="new-api-key"
          onFocus={(e) => e.currentTarget.select()}
          className={
            "w-full rounded-md border border-amber-300 bg-white px-2 py-1 font-mono text-xs " +
            "dark:border-amber-700 dark:bg-zinc-900"
          }
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
  const { errors, idPrefix } = useContext(FormContext);
  const messages = errors?.[name];
  if (!messages?.length) return null;
  return (
    <div
      id={errorId(idPrefix, name)}
      className="mt-1 space-y-1 text-xs text-red-700 dark:text-red-400"
      data-field-error={name}
    >
      {messages.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}

/**
 * Children shown only once the action rejected the field `name` (e.g. a "post anyway" box after a warning), with its
 * message.
 */
export function ShowOnError({ name, children }: { name: string; children: ReactNode }) {
  const { errors } = useContext(FormContext);
  if (!errors?.[name]?.length) return null;
  return (
    <div className="rounded-md border border-amber-300 bg-amber-50 p-3 dark:border-amber-700 dark:bg-amber-950">
      {children}
      <ErrorsFor name={name} />
    </div>
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
