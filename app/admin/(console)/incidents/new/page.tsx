import Link from "next/link";
import { requireUser } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { ComponentPicker } from "@/components/admin/component-picker";
import { PostPreviewButton } from "@/components/admin/post-preview";
import { TemplatePicker } from "@/components/admin/template-picker";
import { toLocalInput, zoneLabel } from "@/components/admin/time";
import { Card, Checkbox, FormField, linkClass, PageHeader } from "@/components/admin/ui";
import { Input, Select, Textarea } from "@/components/ui/form";
import { IMPACT_LABELS, IMPACTS, INCIDENT_STATUS_LABELS, INCIDENT_STATUSES } from "@/db/constants";
import { getPage } from "@/lib/page/page";
import { createIncidentAction, previewPostAction } from "../actions";
import { pickerComponents } from "../load-components";
import { templatePrefill } from "../template-prefill";

export const metadata = { title: "New incident · Herald" };

const STATUSES = INCIDENT_STATUSES.filter((s) => s !== "postmortem");

export default async function NewIncidentPage({ searchParams }: { searchParams: Promise<{ template?: string }> }) {
  const { ctx } = await requireUser("editor");
  const page = await getPage(ctx.db);
  const components = await pickerComponents(ctx.db, page.id);
  const { templates, prefill } = await templatePrefill(ctx.db, page, components, (await searchParams).template);
  const now = new Date();

  return (
    <>
      <PageHeader
        title="New incident"
        description={
          <Link href="/admin" className={linkClass}>
            ← Back to incidents
          </Link>
        }
      />
      <Card className="mb-6">
        <TemplatePicker templates={templates} selected={prefill?.templateId} action="/admin/incidents/new" id="template" />
        {prefill && <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">Filled in from the template. Check the text before publishing.</p>}
      </Card>
      {/* Keyed on the template: picking another one starts the form over with its values. */}
      <ActionForm key={prefill?.templateId ?? ""} action={createIncidentAction} className="space-y-6" aria-label="New incident">
        <Card title="What is happening">
          <div className="space-y-4">
            <FormField label="Incident name" name="name" hint="Shown as the title on the status page. At most 255 characters.">
              <Input name="name" required maxLength={255} placeholder="Elevated error rates on the API" defaultValue={prefill?.title} />
            </FormField>
            <FormField label="Status" name="status">
              <Select name="status" defaultValue={prefill?.status ?? "investigating"} className="sm:max-w-xs">
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {INCIDENT_STATUS_LABELS[s]}
                  </option>
                ))}
              </Select>
            </FormField>
            <FormField label="Message" name="body" hint="Markdown: **bold**, _italic_, [links](https://example.com), lists.">
              <Textarea name="body" required rows={6} maxLength={20000} placeholder="We are investigating elevated error rates…" defaultValue={prefill?.body} />
            </FormField>
          </div>
        </Card>
        <Card title="Affected components" description="Set a new status, or tick “Affected” to name a component without changing it.">
          <ComponentPicker components={components} mode="create" preset={prefill?.components} highlight={Object.keys(prefill?.components ?? {})} />
        </Card>
        <Card title="Impact and delivery">
          <div className="space-y-4">
            <FormField label="Impact" name="impactOverride" hint="Computed from the component statuses unless you pick one.">
              <Select name="impactOverride" defaultValue="" className="sm:max-w-xs">
                <option value="">Computed from components</option>
                {IMPACTS.map((i) => (
                  <option key={i} value={i}>
                    {IMPACT_LABELS[i]}
                  </option>
                ))}
              </Select>
            </FormField>
            <Checkbox name="notify" label="Notify subscribers" hint="Email and feed subscribers hear about this update." defaultChecked={prefill?.notify} />
            <FormField
              label={`Publish at (${zoneLabel(now, page.timeZone)}, optional)`}
              name="publishAt"
              className="sm:max-w-xs"
              hint="Save it now and make it public later: nothing shows on the status page and nobody is notified before then."
            >
              <Input name="publishAt" type="datetime-local" min={toLocalInput(now, page.timeZone)} />
            </FormField>
            <div className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
              <Checkbox
                name="backfilled"
                label="Backfill a past incident"
                hint="Records history only: it is stored as resolved, notifies nobody and leaves current component statuses alone."
              />
              <FormField label={`When it happened (${zoneLabel(now, page.timeZone)})`} name="backfillDate" className="mt-3 sm:max-w-xs">
                <Input name="backfillDate" type="datetime-local" max={toLocalInput(now, page.timeZone)} />
              </FormField>
            </div>
          </div>
        </Card>
        <div className="flex flex-wrap gap-3">
          <SubmitButton pendingLabel="Publishing…">Create incident</SubmitButton>
          <PostPreviewButton action={previewPostAction} />
          <Link href="/admin" className="inline-flex items-center px-3 text-sm text-zinc-600 hover:underline dark:text-zinc-400">
            Cancel
          </Link>
        </div>
      </ActionForm>
    </>
  );
}
