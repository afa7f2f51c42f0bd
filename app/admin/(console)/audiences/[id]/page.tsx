import { notFound } from "next/navigation";
import { and, desc, eq } from "drizzle-orm";
import { requireConsolePage } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { Card, ConfirmForm, EmptyState, FormField, PageHeader } from "@/components/admin/ui";
import { Button, Textarea } from "@/components/ui/form";
import { audience, audienceRestriction, incident } from "@/db/schema";
import { listMembers } from "@/lib/audiences/audiences";
import { listComponents, listGroups } from "@/lib/components/components";
import { isId } from "@/lib/ids";
import {
  addMembersAction,
  deleteAudienceAction,
  previewAudienceAction,
  removeMemberAction,
  setScopeAction,
} from "../actions";

export const metadata = { title: "Audience · Herald" };

type Props = { params: Promise<{ id: string }> };

export default async function AudiencePage({ params }: Props) {
  const { ctx, page, canEdit, canAdmin } = await requireConsolePage();
  const { id } = await params;
  if (!isId(id)) notFound();
  const a = await ctx.db
    .select()
    .from(audience)
    .where(and(eq(audience.id, id), eq(audience.pageId, page.id)))
    .get();
  if (!a) notFound();
  const [members, components, groups, incidents, restricted] = await Promise.all([
    listMembers(ctx.db, id),
    listComponents(ctx.db, page.id),
    listGroups(ctx.db, page.id),
    ctx.db
      .select({ id: incident.id, name: incident.name, status: incident.status })
      .from(incident)
      .where(eq(incident.pageId, page.id))
      .orderBy(desc(incident.startedAt))
      .limit(100),
    ctx.db.select().from(audienceRestriction).where(eq(audienceRestriction.audienceId, id)),
  ]);
  const mine = (type: string) => new Set(restricted.filter((r) => r.entityType === type).map((r) => r.entityId));
  const pickers = [
    { type: "component", title: "Components", items: components.map((c) => ({ id: c.id, name: c.name })) },
    { type: "group", title: "Component groups", items: groups.map((g) => ({ id: g.id, name: g.name })) },
    {
      type: "incident",
      title: "Incidents and maintenance (latest 100)",
      items: incidents.map((i) => ({ id: i.id, name: i.name })),
    },
  ];
  return (
    <>
      <PageHeader
        title={a.name}
        description={
          "Members see everything public plus what is restricted to this audience. " +
          "Anything restricted to audiences is hidden from everyone else, on every surface."
        }
        actions={
          <form action={previewAudienceAction}>
            <input type="hidden" name="audienceId" value={a.id} />
            <Button type="submit" variant="secondary">
              View as this audience
            </Button>
          </form>
        }
      />
      <div className="grid items-start gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2" title={`Members (${members.length})`}>
          {members.length ? (
            <ul className="divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
              {members.map((m) => (
                <li key={m.id} className="flex items-center justify-between gap-3 py-2">
                  <span className="font-mono text-xs">{m.email}</span>
                  {canAdmin && (
                    <ConfirmForm
                      action={removeMemberAction}
                      fields={{ audienceId: a.id, memberId: m.id }}
                      label={`Remove ${m.email}`}
                      quiet
                      summary="Remove"
                      confirmLabel={`Remove ${m.email}`}
                    />
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <EmptyState>No members yet.</EmptyState>
          )}
        </Card>
        {canAdmin && (
          <Card title="Add members" description="Email addresses, or @example.com for everyone at a domain.">
            <ActionForm action={addMembersAction} resetOnSuccess aria-label="Add members">
              <input type="hidden" name="audienceId" value={a.id} />
              <FormField label="Addresses" name="emails" hint="One per line.">
                <Textarea name="emails" rows={4} />
              </FormField>
              <FormField
                label="Or import a CSV file"
                name="csv"
                hint="First column: the address; a header row “email” is skipped."
              >
                <input id="csv" name="csv" type="file" accept=".csv,text/csv" className="text-sm" />
              </FormField>
              <SubmitButton pendingLabel="Adding…">Add</SubmitButton>
            </ActionForm>
          </Card>
        )}
        {pickers.map((p) => (
          <Card key={p.type} title={`Restricted to ${a.name}: ${p.title.toLowerCase()}`}>
            {p.items.length ? (
              <ActionForm action={setScopeAction} aria-label={`${p.title} restricted to ${a.name}`}>
                <input type="hidden" name="audienceId" value={a.id} />
                <input type="hidden" name="entityType" value={p.type} />
                <fieldset className="max-h-72 space-y-1 overflow-y-auto text-sm">
                  <legend className="sr-only">{p.title}</legend>
                  {p.items.map((item) => (
                    <label key={item.id} className="flex items-center gap-2">
                      <input
                        type="checkbox"
                        name="entity"
                        value={item.id}
                        defaultChecked={mine(p.type).has(item.id)}
                        disabled={!canEdit}
                      />
                      {item.name}
                    </label>
                  ))}
                </fieldset>
                {canEdit && <SubmitButton pendingLabel="Saving…">Save restrictions</SubmitButton>}
              </ActionForm>
            ) : (
              <EmptyState>None yet.</EmptyState>
            )}
          </Card>
        ))}
        {canAdmin && (
          <Card
            title="Delete audience"
            description="Possible once nothing is restricted to it (clear the pickers above first)."
          >
            <ConfirmForm
              action={deleteAudienceAction}
              fields={{ id: a.id }}
              label={`Delete ${a.name}`}
              summary="Delete audience"
              confirmLabel={`Delete ${a.name}`}
            />
          </Card>
        )}
      </div>
    </>
  );
}
