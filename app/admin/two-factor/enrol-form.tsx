"use client";
import { useActionState } from "react";
import { Button, Field, FormMessage, Input } from "@/components/ui/form";
import { confirmEnrolmentAction, startEnrolmentAction, type EnrolState } from "./actions";

/** Password → QR code, key and recovery codes → a code from the app. */
export function EnrolForm({ needsPassword }: { needsPassword: boolean }) {
  const [started, start, starting] = useActionState<EnrolState, FormData>(startEnrolmentAction, {});
  const [confirmed, confirm, confirming] = useActionState<EnrolState, FormData>(confirmEnrolmentAction, {});
  const enrolment = confirmed.enrolment ?? started.enrolment;

  if (!enrolment)
    return (
      <form action={start} className="mt-6 space-y-4" aria-label="Set up two-factor">
        <FormMessage state={started} />
        {needsPassword && (
          <Field label="Your password" name="password" errors={started.fieldErrors}>
            <Input name="password" type="password" required autoComplete="current-password" />
          </Field>
        )}
        <Button type="submit" disabled={starting}>
          {starting ? "Preparing…" : "Set up an authenticator app"}
        </Button>
      </form>
    );

  return (
    <div className="mt-6 space-y-6">
      <section>
        <h2 className="font-medium">1. Scan this code with your authenticator app</h2>
        {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL made on the server, once */}
        <img
          src={enrolment.qrDataUrl}
          alt="QR code for your authenticator app"
          width={200}
          height={200}
          className="mt-3 rounded border border-zinc-200 bg-white p-2"
        />
        <p className="mt-3 text-sm text-zinc-600 dark:text-zinc-400">Or type this key:</p>
        <code
          data-testid="totp-key"
          className="mt-1 block break-all rounded bg-zinc-100 px-2 py-1 font-mono text-sm dark:bg-zinc-800"
        >
          {enrolment.manualKey}
        </code>
      </section>
      <section>
        <h2 className="font-medium">2. Keep these recovery codes somewhere safe</h2>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          Each works once, when you don't have your phone. They are not shown again.
        </p>
        <ul data-testid="recovery-codes" className="mt-3 grid grid-cols-2 gap-1 font-mono text-sm">
          {enrolment.recoveryCodes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      </section>
      <form action={confirm} className="space-y-4" aria-label="Confirm two-factor">
        <h2 className="font-medium">3. Enter the code the app shows</h2>
        <FormMessage state={confirmed} />
        <Field label="Code" name="code" errors={confirmed.fieldErrors}>
          <Input
            name="code"
            required
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            maxLength={7}
          />
        </Field>
        <Button type="submit" disabled={confirming}>
          {confirming ? "Checking…" : "Turn on two-factor"}
        </Button>
      </form>
    </div>
  );
}
