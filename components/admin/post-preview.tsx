"use client";
import { useState, useTransition, type MouseEvent } from "react";
import { Button } from "@/components/ui/form";
import type { PostPreview } from "@/lib/incidents/preview";

/**
 * "Preview" beside a post form's submit: sends the form's current values to a
 * server action that renders them without saving, and shows the public
 * timeline entry and the subscriber email. Place it in a flex-wrap row: the
 * preview takes a full row at the end.
 */
export function PostPreviewButton({ action }: { action: (fd: FormData) => Promise<PostPreview> }) {
  const [preview, setPreview] = useState<PostPreview | null>(null);
  const [pending, startTransition] = useTransition();

  function onClick(e: MouseEvent<HTMLButtonElement>) {
    const form = e.currentTarget.form;
    if (!form) return;
    const fd = new FormData(form);
    startTransition(async () => setPreview(await action(fd)));
  }

  return (
    <>
      <Button type="button" variant="secondary" onClick={onClick} disabled={pending}>
        {pending ? "Rendering…" : "Preview"}
      </Button>
      {preview && (
        <section className="order-last basis-full" aria-label="Preview">
          {preview.error !== undefined ? (
            <p
              role="alert"
              className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200"
            >
              {preview.error}
            </p>
          ) : (
            <PreviewPanels preview={preview} onClose={() => setPreview(null)} />
          )}
        </section>
      )}
    </>
  );
}

function PreviewPanels({
  preview,
  onClose,
}: {
  preview: Exclude<PostPreview, { error: string }>;
  onClose: () => void;
}) {
  return (
    <div
      className={
        "mt-2 space-y-4 rounded-md border border-blue-200 " +
        "bg-blue-50/50 p-4 dark:border-blue-900 dark:bg-blue-950/30"
      }
    >
      <div className="flex items-center justify-between">
        <p className="text-sm font-medium">Preview — nothing has been posted yet.</p>
        <button type="button" onClick={onClose} className="text-sm text-blue-700 hover:underline dark:text-blue-400">
          Close preview
        </button>
      </div>
      {preview.unfilled.length > 0 && (
        <p
          role="alert"
          className={
            "rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 " +
            "dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
          }
          data-testid="preview-unfilled"
        >
          Nothing fills in {preview.unfilled.join(", ")}: it would be published as written. Mark the affected components
          or edit the text.
        </p>
      )}
      <section aria-label="Public incident page entry">
        <h3 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Status page timeline</h3>
        <div
          className="mt-1 rounded-md border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900"
          data-testid="preview-public"
        >
          <p className="font-semibold">{preview.statusLabel}</p>
          <p className="text-sm text-zinc-500">
            <time dateTime={preview.timeIso}>{preview.timeText}</time>
          </p>
          <div
            className={
              "mt-2 space-y-2 text-sm break-words [&_a]:text-blue-700 [&_a]:underline [&_ol]:list-decimal " +
              "[&_ol]:pl-5 [&_ul]:list-disc [&_ul]:pl-5"
            }
            // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitized by lib/markdown/render.ts
            dangerouslySetInnerHTML={{ __html: preview.bodyHtml }}
          />
        </div>
      </section>
      <section aria-label="Subscriber email">
        <h3 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">Subscriber email</h3>
        {!preview.notify && (
          <p className="mt-1 text-sm text-amber-800 dark:text-amber-200">
            Not sent: “Notify subscribers” is not ticked.
          </p>
        )}
        <p className="mt-1 text-sm">
          <span className="text-zinc-500">Subject: </span>
          <span data-testid="preview-subject">{preview.email.subject}</span>
        </p>
        {/* An empty sandbox: the email's HTML runs no script and can't navigate the console. */}
        <iframe
          sandbox=""
          srcDoc={preview.email.html}
          title="Email preview (HTML)"
          className="mt-2 h-[28rem] w-full rounded-md border border-zinc-200 bg-white dark:border-zinc-800"
        />
        <details className="mt-2">
          <summary className="cursor-pointer text-sm text-blue-700 dark:text-blue-400">Plain-text version</summary>
          <pre
            className={
              "mt-2 max-h-80 overflow-auto rounded-md bg-white p-3 text-xs " + "whitespace-pre-wrap dark:bg-zinc-900"
            }
          >
            {preview.email.text}
          </pre>
        </details>
      </section>
    </div>
  );
}
