import { requireConsolePage } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { formatDate, formatDateTime } from "@/components/admin/time";
import { Card, Checkbox, ConfirmForm, EmptyState, FormField, PageHeader } from "@/components/admin/ui";
import { Input, Select } from "@/components/ui/form";
import { SUBSCRIBER_STATES } from "@/db/constants";
import { listSubscribers, maySkipConfirmation, subscriberCounts } from "@/lib/subscribers/admin";
import { LIMIT_LABELS, recentLimitHits, type SubscribeLimits } from "@/lib/subscribers/limits";
import {
  addSubscriberAction,
  importSubscribersAction,
  removeSubscriberAction,
  resendConfirmationAction,
} from "./actions";

export default async function SubscribersPage({
  searchParams,
}: {
  searchParams: Promise<{ q?: string; state?: string; page?: string }>;
}) {
  const { ctx, page, canEdit, canAdmin } = await requireConsolePage();
  const sp = await searchParams;
  const state = (SUBSCRIBER_STATES as readonly string[]).includes(sp.state ?? "")
    ? (sp.state as (typeof SUBSCRIBER_STATES)[number])
    : undefined;
  const q = typeof sp.q === "string" ? sp.q.slice(0, 254) : undefined;
  const list = await listSubscribers(ctx, { q, state, page: Number(sp.page) || 1 });
  const counts = await subscriberCounts(ctx);
  const hits = await recentLimitHits(ctx.db, ctx.now());
  const tz = page.timeZone;
  const pages = Math.max(1, Math.ceil(list.total / list.perPage));
  const link = (p: number) =>
    `?${new URLSearchParams({ ...(q ? { q } : {}), ...(state ? { state } : {}), page: String(p) })}`;
  return (
    <>
      <PageHeader
        title="Subscribers"
        description={
          `${counts.active} active · ${counts.unconfirmed} unconfirmed ` +
          `· ${counts.unsubscribed} unsubscribed · ` +
          `${counts.quarantined} quarantined`
        }
        actions={
          <>
            <a
              href="/admin/subscribers/channels"
              className="rounded-md border border-zinc-300 px-3 py-2 text-sm hover:bg-zinc-50 dark:border-zinc-700"
            >
              Channels (webhook, Slack, Teams, Discord)
            </a>
            {canAdmin && (
              <a
                href="/admin/subscribers/export"
                className="rounded-md border border-zinc-300 px-3 py-2 text-sm hover:bg-zinc-50 dark:border-zinc-700"
              >
                Export CSV
              </a>
            )}
          </>
        }
      />
      <div className="space-y-6">
        {hits.length > 0 && (
          <Card
            title="Subscribe limits hit"
            description={
              "Requests the abuse limits refused in the last week (configure with HERALD_SUBSCRIBE_* " + "settings)."
            }
          >
            <ul className="space-y-1 text-sm">
              {hits.map((h) => (
                <li key={h.kind}>
                  <strong>{LIMIT_LABELS[h.kind as keyof SubscribeLimits] ?? h.kind}</strong>: {h.blocked} refused, last
                  at {h.lastBlockedAt && formatDateTime(h.lastBlockedAt, tz)}
                </li>
              ))}
            </ul>
          </Card>
        )}
        <Card>
          {/* biome-ignore lint/a11y/useSemanticElements: the form is the landmark */}
          <form method="get" className="mb-4 flex flex-wrap items-end gap-3" role="search">
            <FormField label="Search" name="q">
              <Input name="q" type="search" defaultValue={q} placeholder="Email contains…" />
            </FormField>
            <FormField label="State" name="state">
              <Select name="state" defaultValue={state ?? ""}>
                <option value="">All</option>
                {SUBSCRIBER_STATES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </Select>
            </FormField>
            <button type="submit" className="rounded-md border border-zinc-300 px-3 py-2 text-sm dark:border-zinc-700">
              Filter
            </button>
          </form>
          {list.subscribers.length === 0 ? (
            <EmptyState>No subscribers match.</EmptyState>
          ) : (
            <table className="w-full text-left text-sm">
              <thead className="text-zinc-500">
                <tr>
                  <th className="py-2">Email</th>
                  <th>State</th>
                  <th>Components</th>
                  <th>Since</th>
                  <th className="sr-only">Actions</th>
                </tr>
              </thead>
              <tbody>
                {list.subscribers.map((s) => (
                  <tr key={s.id} className="border-t border-zinc-100 dark:border-zinc-800">
                    <td className="py-2">{s.email}</td>
                    <td>
                      {s.state}
                      {s.quarantineReason ? ` (${s.quarantineReason})` : ""}
                    </td>
                    <td>{s.componentIds.length ? `${s.componentIds.length} chosen` : "all"}</td>
                    <td>{formatDate(s.createdAt, tz)}</td>
                    <td className="flex justify-end gap-2 py-1">
                      {canEdit && s.state === "unconfirmed" && (
                        <ActionForm action={resendConfirmationAction} className="" quiet>
                          <input type="hidden" name="id" value={s.id} />
                          <SubmitButton variant="secondary">Resend confirmation</SubmitButton>
                        </ActionForm>
                      )}
                      {canEdit && (s.state === "active" || s.state === "unconfirmed") && (
                        <ConfirmForm
                          action={removeSubscriberAction}
                          fields={{ id: s.id }}
                          label={`Remove ${s.email}`}
                          className=""
                          quiet
                          summary="Remove"
                          confirmLabel="Yes, remove"
                          warning={`${s.email} stops receiving email at once.`}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {pages > 1 && (
            <nav className="mt-4 flex gap-4 text-sm" aria-label="Pages">
              {list.page > 1 && <a href={link(list.page - 1)}>← Newer</a>}
              <span>
                Page {list.page} of {pages}
              </span>
              {list.page < pages && <a href={link(list.page + 1)}>Older →</a>}
            </nav>
          )}
        </Card>
        {canEdit && (
          <div className="grid gap-6 md:grid-cols-2">
            <Card title="Add a subscriber">
              <ActionForm action={addSubscriberAction} resetOnSuccess>
                <FormField label="Email" name="email">
                  <Input name="email" type="email" required maxLength={254} />
                </FormField>
                {maySkipConfirmation(ctx.actor) ? (
                  <Checkbox name="skipConfirmation" label="Skip confirmation (only with the person's consent)" />
                ) : (
                  <p className="text-sm text-zinc-500">
                    The address gets a confirmation email and starts receiving updates once the person confirms.
                  </p>
                )}
                <SubmitButton>Add</SubmitButton>
              </ActionForm>
            </Card>
            {canAdmin && (
              <Card
                title="Import CSV"
                description={
                  'A column "email" (or the first column); optional ' + '"components" with ids separated by spaces.'
                }
              >
                <ActionForm action={importSubscribersAction} resetOnSuccess>
                  <FormField label="CSV file" name="file">
                    <input id="file" name="file" type="file" accept=".csv,text/csv" className="mt-1 block text-sm" />
                  </FormField>
                  <Checkbox
                    name="confirm"
                    label="Send each address a confirmation email (recommended)"
                    defaultChecked
                  />
                  <SubmitButton>Import</SubmitButton>
                </ActionForm>
              </Card>
            )}
          </div>
        )}
      </div>
    </>
  );
}
