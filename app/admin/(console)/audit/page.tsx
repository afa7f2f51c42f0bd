import Link from "next/link";
import { requireConsolePage } from "@/app/_server/auth";
import { formatDateTime } from "@/components/admin/time";
import { Card, EmptyState, linkClass, PageHeader, secondaryButtonLinkClass } from "@/components/admin/ui";
import { Field, Input, Select } from "@/components/ui/form";
import { listAuditFacets, listAuditLog, parseAuditQuery, type AuditLogEntry, type AuditQuery } from "@/lib/audit";
import { auditDiff } from "@/lib/audit-diff";
import { ValidationError } from "@/lib/errors";

export const metadata = { title: "Audit log · Herald" };

type Raw = Record<string, string | string[] | undefined>;

/** The filter's query string plus a page number, for links that keep the filter. */
function href(filter: Omit<AuditQuery, "page">, page?: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v) q.set(k, String(v));
  if (page && page > 1) q.set("page", String(page));
  const s = q.toString();
  return s ? `/admin/audit?${s}` : "/admin/audit";
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

const KIND_CLASS = {
  added: "bg-green-50 dark:bg-green-950/40",
  removed: "bg-red-50 dark:bg-red-950/40",
  changed: "",
};

/** Before/after as one row per changed field, across the full width of the log. */
function Diff({ e }: { e: AuditLogEntry }) {
  const d = auditDiff(e.before, e.after);
  if (!d.lines.length)
    return (
      <p className="text-xs text-zinc-500">
        No recorded changes{d.unchanged ? ` (${d.unchanged} fields as they were)` : ""}.
      </p>
    );
  return (
    <details>
      <summary className="cursor-pointer text-sm text-blue-700 dark:text-blue-400">
        {d.lines.length} {d.lines.length === 1 ? "field" : "fields"}{" "}
        {e.before === null ? "set" : e.after === null ? "removed" : "changed"}
        {d.unchanged > 0 && <span className="text-zinc-500 dark:text-zinc-400"> · {d.unchanged} unchanged</span>}
      </summary>
      <table className="mt-2 w-full table-fixed text-xs" data-testid="audit-diff">
        <thead>
          <tr className="text-left text-zinc-500">
            <th scope="col" className="w-1/5 py-1 pr-3 font-medium">
              Field
            </th>
            <th scope="col" className="py-1 pr-3 font-medium">
              Before
            </th>
            <th scope="col" className="py-1 font-medium">
              After
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100 align-top font-mono dark:divide-zinc-800">
          {d.lines.map((l) => (
            <tr key={l.path} className={KIND_CLASS[l.kind]}>
              <th scope="row" className="py-1 pr-3 text-left font-medium break-words">
                {l.path || "(value)"}
              </th>
              <td className="py-1 pr-3 whitespace-pre-wrap break-words">
                {l.before === null ? (
                  <span className="text-zinc-400">—</span>
                ) : (
                  <del className="no-underline">{l.before}</del>
                )}
              </td>
              <td className="py-1 whitespace-pre-wrap break-words">
                {l.after === null ? (
                  <span className="text-zinc-400">—</span>
                ) : (
                  <ins className="no-underline">{l.after}</ins>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function Filters({
  raw,
  errors,
  facets,
}: {
  raw: Raw;
  errors?: ValidationError;
  facets: { actors: string[]; actions: string[] };
}) {
  const actor = first(raw.actor);
  const action = first(raw.action);
  // A value from a link that is not (or no longer) in the log still shows as chosen.
  const actors = actor && !facets.actors.includes(actor) ? [actor, ...facets.actors] : facets.actors;
  const actions = action && !facets.actions.includes(action) ? [action, ...facets.actions] : facets.actions;
  return (
    // biome-ignore lint/a11y/useSemanticElements: the form is the landmark
    <form
      method="get"
      action="/admin/audit"
      role="search"
      aria-label="Filter the audit log"
      className="mb-4 grid items-end gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_auto_auto_auto]"
    >
      {errors && (
        <p role="alert" className="text-sm text-red-700 sm:col-span-2 lg:col-span-5 dark:text-red-400">
          The filter could not be applied: {Object.values(errors.fieldErrors).flat()[0] ?? errors.message}. Nothing is
          shown until it is fixed.
        </p>
      )}
      <Field label="Who" name="actor" errors={errors?.fieldErrors}>
        <Select name="actor" defaultValue={actor}>
          <option value="">Anyone</option>
          {actors.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Action" name="action" errors={errors?.fieldErrors}>
        <Select name="action" defaultValue={action}>
          <option value="">Any action</option>
          {actions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="From" name="from" errors={errors?.fieldErrors}>
        <Input name="from" type="date" defaultValue={first(raw.from)} />
      </Field>
      <Field label="To" name="to" errors={errors?.fieldErrors}>
        <Input name="to" type="date" defaultValue={first(raw.to)} />
      </Field>
      <div className="flex gap-2">
        <button
          type="submit"
          className="rounded-md bg-blue-600 px-4 py-2 text-sm font-medium text-white hover:bg-blue-700"
        >
          Filter
        </button>
        <Link href="/admin/audit" className={secondaryButtonLinkClass}>
          Clear
        </Link>
      </div>
    </form>
  );
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<Raw> }) {
  const { ctx, page } = await requireConsolePage();
  const tz = page.timeZone;
  const raw = await searchParams;
  let query: AuditQuery | null = null;
  let invalid: ValidationError | undefined;
  try {
    query = parseAuditQuery(raw);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    invalid = err;
  }
  const facets = await listAuditFacets(ctx.db, page.id);
  const { page: wanted, ...filter } = query ?? {};
  const log = query ? await listAuditLog(ctx.db, page.id, { page: wanted ?? 1, filter, timeZone: tz }) : null;
  const filtered = Object.values(filter).some(Boolean);

  return (
    <>
      <PageHeader
        title="Audit log"
        description={
          log
            ? `Every change, newest first, times in ${tz}. ` +
              `${log.total} ${filtered ? "matching " : ""}${log.total === 1 ? "entry" : "entries"}.`
            : `Every change, newest first, times in ${tz}.`
        }
      />
      <Filters raw={raw} errors={invalid} facets={facets} />
      {log && (
        <Card className="overflow-x-auto">
          {log.entries.length ? (
            <table className="w-full text-sm">
              <thead>
                <tr className="text-left text-xs tracking-wide text-zinc-500 uppercase">
                  <th className="py-2 pr-3 font-medium">When</th>
                  <th className="py-2 pr-3 font-medium">Who</th>
                  <th className="py-2 pr-3 font-medium">Action</th>
                  <th className="py-2 font-medium">Entity</th>
                </tr>
              </thead>
              {log.entries.map((e) => (
                <tbody
                  key={e.id}
                  data-testid="audit-entry"
                  className="border-t border-zinc-100 align-top dark:border-zinc-800"
                >
                  <tr>
                    <td className="pt-2 pr-3 whitespace-nowrap">{formatDateTime(e.at, tz)}</td>
                    <td className="pt-2 pr-3">
                      <div>{e.actorLabel}</div>
                      <div className="text-xs text-zinc-500">{e.actorType.replace("_", " ")}</div>
                    </td>
                    <td className="pt-2 pr-3 font-mono text-xs">{e.action}</td>
                    <td className="pt-2">
                      <div>{e.entityType.replaceAll("_", " ")}</div>
                      {e.entityId && <div className="font-mono text-xs text-zinc-500">{e.entityId}</div>}
                    </td>
                  </tr>
                  <tr>
                    {/* The whole row's width: long values wrap instead of being cut off. */}
                    <td colSpan={4} className="pt-1 pb-3">
                      {e.before !== null || e.after !== null ? (
                        <Diff e={e} />
                      ) : (
                        <span className="text-xs text-zinc-400">No before/after recorded.</span>
                      )}
                    </td>
                  </tr>
                </tbody>
              ))}
            </table>
          ) : (
            <EmptyState>
              {filtered ? (
                <>
                  Nothing matches this filter.{" "}
                  <Link href="/admin/audit" className={linkClass}>
                    Show everything
                  </Link>
                </>
              ) : (
                "Nothing recorded yet."
              )}
            </EmptyState>
          )}
        </Card>
      )}
      {log && log.pageCount > 1 && (
        <nav aria-label="Audit log pages" className="mt-4 flex items-center justify-between text-sm">
          {log.page > 1 ? (
            <Link href={href(filter, log.page - 1)} className={secondaryButtonLinkClass}>
              ← Newer
            </Link>
          ) : (
            <span />
          )}
          <span className="text-zinc-600 dark:text-zinc-400">
            Page {log.page} of {log.pageCount}
          </span>
          {log.page < log.pageCount ? (
            <Link href={href(filter, log.page + 1)} className={secondaryButtonLinkClass}>
              Older →
            </Link>
          ) : (
            <span />
          )}
        </nav>
      )}
    </>
  );
}
