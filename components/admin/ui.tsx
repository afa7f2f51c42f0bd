import type { ReactNode } from "react";
import { ActionForm, ErrorsFor, SubmitButton, type FormAction } from "./action-form";

/** Label, control, hint and inline errors (from the surrounding ActionForm). */
export function FormField({
  label,
  name,
  id,
  hint,
  children,
  className = "",
}: {
  label: string;
  name: string;
  id?: string;
  hint?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className={className}>
      <label htmlFor={id ?? name} className="block text-sm font-medium text-zinc-800 dark:text-zinc-200">
        {label}
      </label>
      {children}
      {hint && <p className="mt-1 text-xs text-zinc-500">{hint}</p>}
      <ErrorsFor name={name} />
    </div>
  );
}

export function Checkbox({
  name,
  id = name,
  label,
  defaultChecked,
  hint,
  value,
}: {
  name: string;
  id?: string;
  label: ReactNode;
  defaultChecked?: boolean;
  hint?: ReactNode;
  /** For several boxes under one name (FormData.getAll); "on" when absent. */
  value?: string;
}) {
  return (
    <div className="flex items-start gap-2">
      <input
        id={id}
        name={name}
        value={value}
        type="checkbox"
        defaultChecked={defaultChecked}
        className="mt-0.5 size-4 rounded border-zinc-300 accent-blue-600"
      />
      <div>
        <label htmlFor={id} className="text-sm">
          {label}
        </label>
        {hint && <p className="text-xs text-zinc-500">{hint}</p>}
      </div>
    </div>
  );
}

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
        {description && <div className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{description}</div>}
      </div>
      {actions && <div className="flex shrink-0 flex-wrap gap-2">{actions}</div>}
    </div>
  );
}

const CARD = "rounded-lg border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900";

export function Card({
  title,
  description,
  children,
  className = "",
  id,
}: {
  title?: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  className?: string;
  id?: string;
}) {
  return (
    <section id={id} className={`${CARD} ${className}`}>
      {(title || description) && (
        <header className="border-b border-zinc-200 px-5 py-3 dark:border-zinc-800">
          {title && <h2 className="text-base font-semibold">{title}</h2>}
          {description && <p className="mt-0.5 text-sm text-zinc-600 dark:text-zinc-400">{description}</p>}
        </header>
      )}
      <div className="px-5 py-4">{children}</div>
    </section>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return (
    <p
      className={
        "rounded-md border border-dashed border-zinc-300 px-4 py-6 " +
        "text-center text-sm text-zinc-500 dark:border-zinc-700"
      }
    >
      {children}
    </p>
  );
}

/** The read-only notice shown to roles that can't use a page's forms. */
export function ReadOnlyNotice({ children }: { children: ReactNode }) {
  return (
    <p className="mb-4 rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
      {children}
    </p>
  );
}

/**
 * A destructive step that works without JavaScript: the <details> reveals a
 * second, explicit submit. The caller wraps it in the form that performs it.
 */
export function ConfirmSubmit({
  summary,
  confirmLabel,
  warning,
}: {
  summary: string;
  confirmLabel: string;
  warning?: ReactNode;
}) {
  return (
    <details className="group">
      <summary
        className={
          "cursor-pointer list-none rounded-md px-2 py-1 text-sm " +
          "text-red-700 hover:bg-red-50 dark:text-red-400 " +
          "dark:hover:bg-red-950 [&::-webkit-details-marker]:hidden"
        }
      >
        {summary}
      </summary>
      <div
        className={
          "mt-2 space-y-2 rounded-md border border-red-200 bg-red-50 " + "p-3 dark:border-red-900 dark:bg-red-950"
        }
      >
        {warning && <p className="text-sm text-red-900 dark:text-red-100">{warning}</p>}
        <SubmitButton variant="danger" pendingLabel="Deleting…">
          {confirmLabel}
        </SubmitButton>
      </div>
    </details>
  );
}

/**
 * A form that performs one destructive action on a record, after the second
 * click ConfirmSubmit asks for: the record's ids go as hidden fields.
 */
export function ConfirmForm({
  action,
  fields,
  label,
  className,
  quiet,
  ...confirm
}: {
  action: FormAction;
  /** Hidden fields, in this order. */
  fields: Record<string, string>;
  /** The form's accessible name. */
  label: string;
  className?: string;
  quiet?: boolean;
  summary: string;
  confirmLabel: string;
  warning?: ReactNode;
}) {
  return (
    <ActionForm action={action} className={className} quiet={quiet} aria-label={label}>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <ConfirmSubmit {...confirm} />
    </ActionForm>
  );
}

export const linkClass = "text-blue-700 hover:underline dark:text-blue-400";
export const buttonLinkClass =
  "inline-flex items-center justify-center rounded-md bg-blue-600 px-3 py-2 text-sm font-medium text-white shadow-sm " +
  "hover:bg-blue-700";
export const secondaryButtonLinkClass =
  "inline-flex items-center justify-center rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm font-medium " +
  "shadow-sm hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800";

/** Typography for rendered (already sanitized) markdown. */
export const markdownClass =
  "text-sm leading-relaxed text-zinc-800 dark:text-zinc-200 [&_a]:text-blue-700 [&_a]:underline " +
  "dark:[&_a]:text-blue-400 [&_p]:my-2 [&_ul]:my-2 [&_ul]:list-disc [&_ul]:pl-5 [&_ol]:my-2 [&_ol]:list-decimal " +
  "[&_ol]:pl-5 [&_code]:rounded [&_code]:bg-zinc-100 [&_code]:px-1 [&_code]:font-mono [&_code]:text-[0.85em] " +
  "dark:[&_code]:bg-zinc-800 [&_pre]:my-2 [&_pre]:overflow-x-auto [&_pre]:rounded [&_pre]:bg-zinc-100 [&_pre]:p-3 " +
  "dark:[&_pre]:bg-zinc-800 [&_h1]:font-semibold [&_h2]:font-semibold [&_h3]:font-semibold " +
  "[&_blockquote]:border-l-2 [&_blockquote]:border-zinc-300 [&_blockquote]:pl-3 [&_table]:my-2 [&_td]:border " +
  "[&_td]:px-2 [&_th]:border [&_th]:px-2";
