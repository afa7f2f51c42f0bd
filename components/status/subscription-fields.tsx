// Fields shared by the public subscribe and follow-this-incident forms.
import { CHANNEL_EVENT_LABELS, CHANNEL_EVENTS, type ChannelEvent } from "@/db/constants";

/**
 * The address field and its submit button, side by side. With `errorId` the
 * field is marked invalid, described by that element and focused (the form
 * shown again after a rejected address).
 */
export function EmailAndSubmit({
  id,
  submit,
  defaultValue,
  errorId,
}: {
  id: string;
  submit: string;
  defaultValue?: string;
  errorId?: string;
}) {
  return (
    <>
      <input
        id={id}
        type="email"
        name="email"
        required
        maxLength={254}
        autoComplete="email"
        placeholder="you@example.com"
        defaultValue={defaultValue}
        aria-invalid={errorId ? true : undefined}
        aria-describedby={errorId}
        // biome-ignore lint/a11y/noAutofocus: only when the server answers with an error, so the reader lands on it
        autoFocus={!!errorId}
        className={
          "block w-full rounded-md border bg-white px-3 py-2 text-sm dark:bg-zinc-900 " +
          (errorId ? "border-red-600 dark:border-red-500" : "border-zinc-300 dark:border-zinc-700")
        }
      />
      <button
        type="submit"
        className="rounded-md bg-blue-600 px-4 py-2 text-sm font-medium whitespace-nowrap text-white hover:bg-blue-700"
      >
        {submit}
      </button>
    </>
  );
}

/**
 * A field people never see or fill in; bots that fill every field give
 * themselves away (lib/subscribers drops such requests with the usual answer).
 */
export function Honeypot() {
  return (
    <div aria-hidden="true" style={{ position: "absolute", left: "-10000px", width: 1, height: 1, overflow: "hidden" }}>
      <label>
        Leave this empty
        <input type="text" name="website" tabIndex={-1} autoComplete="off" />
      </label>
    </div>
  );
}

/**
 * Which events an email subscription receives (incidents, maintenance,
 * component status changes). None ticked means the default: incidents and
 * maintenance (lib/subscribers/subscribe.ts emailEvents).
 */
export function EventChoice({ chosen }: { chosen: readonly ChannelEvent[] }) {
  return (
    <fieldset className="text-sm">
      <legend className="mb-2 text-zinc-600 dark:text-zinc-400">Email me about</legend>
      <div className="flex flex-wrap gap-x-4 gap-y-1">
        {CHANNEL_EVENTS.map((e) => (
          <label key={e} className="flex items-center gap-2">
            <input type="checkbox" name="events" value={e} defaultChecked={chosen.includes(e)} />
            {CHANNEL_EVENT_LABELS[e]}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
