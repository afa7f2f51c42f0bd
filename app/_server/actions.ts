import "server-only";
import type { FormState } from "@/components/admin/action-form";
import { isDomainError, ValidationError } from "@/lib/errors";
import { wakeWorker } from "@/lib/worker/wake";

/** What every console form's server action returns to useActionState (the form's state: one type, in the form). */
export type ActionState = FormState;

/**
 * Runs a use case for a form: domain errors become a message and per-field
 * errors; anything else is logged in full for the operator and shown as a
 * generic message (never err.message to the browser).
 */
// biome-ignore lint/suspicious/noConfusingVoidType: most actions return nothing and redirect; a few return a state
export async function runAction(fn: () => Promise<ActionState | void>): Promise<ActionState> {
  try {
    const state = (await fn()) ?? { ok: true };
    // A committed action may have queued email: the in-process worker sends it now, not on its next tick.
    wakeWorker();
    return state;
  } catch (err) {
    // next/navigation's redirect()/notFound() throw; let them through.
    if (
      err &&
      typeof err === "object" &&
      "digest" in err &&
      typeof err.digest === "string" &&
      err.digest.startsWith("NEXT_")
    )
      throw err;
    if (err instanceof ValidationError) return { error: validationSummary(err), fieldErrors: err.fieldErrors };
    if (isDomainError(err)) return { error: err.message };
    console.error("[herald] action failed", err);
    return { error: "Something went wrong. The error was logged." };
  }
}

/**
 * The line above a rejected form, in plain words. lib/context.ts parseInput
 * names its first error by the field's key ("name: A name is required") —
 * meant for API clients, not people: the form shows each message beside its
 * field, so the summary says how many need a change and what. A message a
 * use case wrote for people (no key in front) is kept as it is.
 */
function validationSummary(err: ValidationError): string {
  const keyed = Object.entries(err.fieldErrors).filter(([, m]) => m.length);
  if (!keyed.length || !keyed.some(([key]) => err.message.startsWith(`${key}: `))) return err.message;
  const messages = [...new Set(keyed.map(([, m]) => m[0].replace(/\.$/, "")))];
  return keyed.length === 1
    ? `Please check the marked field: ${messages[0]}.`
    : `Please check the ${keyed.length} marked fields: ${messages.join("; ")}.`;
}

export function str(fd: FormData, key: string): string | undefined {
  const v = fd.get(key);
  return typeof v === "string" ? v : undefined;
}

export function bool(fd: FormData, key: string): boolean {
  const v = fd.get(key);
  return v === "on" || v === "true" || v === "1";
}
