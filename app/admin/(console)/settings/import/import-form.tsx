"use client";
import { useActionState, useState, useTransition, type FormEvent } from "react";
import { Button, FormMessage, Input } from "@/components/ui/form";
import { importStatuspageAction } from "./actions";
import type { ImportState } from "./state";

const label = "block text-sm font-medium text-zinc-800 dark:text-zinc-200";
const hint = "mt-1 text-xs text-zinc-500";
const PLAN_CLASS = "border-zinc-300 bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900";
const DONE_CLASS =
  "border-green-300 bg-green-50 text-green-900 dark:border-green-800 dark:bg-green-950 dark:text-green-100";

/**
 * Preview first: the plan of a dry run is shown, then "Import" runs the same
 * source for real. Changing the source after a preview asks for a new preview.
 */
export function ImportForm({ disabled }: { disabled: boolean }) {
  const [state, action, pending] = useActionState<ImportState, FormData>(importStatuspageAction, {});
  const [, startTransition] = useTransition();
  const [source, setSource] = useState<"v2" | "v1">("v2");
  const [dirty, setDirty] = useState(false);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    // Dispatched by hand so React does not clear the fields after the preview.
    e.preventDefault();
    const submitter = (e.nativeEvent as SubmitEvent).submitter;
    const fd = new FormData(e.currentTarget, submitter instanceof HTMLButtonElement ? submitter : null);
    setDirty(false);
    startTransition(() => action(fd));
  }

  const planned = state.ok && state.previewed && !dirty;
  return (
    <form
      action={action}
      onSubmit={onSubmit}
      onChange={() => setDirty(true)}
      className="space-y-4"
      aria-label="Import from Statuspage"
    >
      <fieldset disabled={disabled || pending} className="space-y-4">
        <fieldset className="space-y-2 text-sm">
          <legend className={label}>Read from</legend>
          <label className="flex items-center gap-2">
            <input type="radio" name="source" value="v2" checked={source === "v2"} onChange={() => setSource("v2")} />
            The page’s public address
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" name="source" value="v1" checked={source === "v1"} onChange={() => setSource("v1")} />
            Statuspage’s API (adds subscribers, templates, postmortems)
          </label>
        </fieldset>
        {source === "v2" ? (
          <div>
            <label htmlFor="url" className={label}>
              Status page address
            </label>
            <Input id="url" name="url" type="url" required placeholder="https://status.example.com" />
            <p className={hint}>Herald reads its public JSON: components, groups, recent incidents and maintenances.</p>
          </div>
        ) : (
          <div className="grid gap-4 sm:grid-cols-2">
            <div>
              <label htmlFor="apiKey" className={label}>
                API key
              </label>
              <Input id="apiKey" name="apiKey" type="password" required autoComplete="off" />
              <p className={hint}>Used for this import only; never stored.</p>
            </div>
            <div>
              <label htmlFor="pageId" className={label}>
                Page id
              </label>
              <Input id="pageId" name="pageId" required placeholder="y2j98763l7lm" />
            </div>
          </div>
        )}
        <FormMessage state={{ error: state.error }} />
        {state.plan && !dirty && (
          <section
            aria-label={state.previewed ? "Import plan" : "Import result"}
            className={`rounded-md border p-3 text-sm ${state.previewed ? PLAN_CLASS : DONE_CLASS}`}
          >
            <ul className="space-y-1">
              {state.plan.map((line) => (
                <li key={line} className={line.startsWith("  ") ? "pl-4" : "font-medium"}>
                  {line.trim()}
                </li>
              ))}
            </ul>
          </section>
        )}
        <div className="flex gap-2">
          <Button type="submit" name="intent" value="preview" variant={planned ? "secondary" : "primary"}>
            {pending ? "Reading…" : "Preview"}
          </Button>
          {planned && (
            <Button type="submit" name="intent" value="import">
              Import
            </Button>
          )}
        </div>
      </fieldset>
    </form>
  );
}
