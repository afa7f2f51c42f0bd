import Link from "next/link";
import { requireUser } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { KeepPlaceholders, PLACEHOLDER_HINT } from "@/components/admin/placeholders";
import { ComponentPicker } from "@/components/admin/component-picker";
import { PostPreviewButton } from "@/components/admin/post-preview";
import { TemplatePicker } from "@/components/admin/template-picker";
import { toLocalInput, zoneLabel } from "@/components/admin/time";
import { Card, Checkbox, FormField, linkClass, PageHeader } from "@/components/admin/ui";
import { Input, Select, Textarea } from "@/components/ui/form";
import { INCIDENT_STATUS_LABELS, INCIDENT_STATUSES } from "@/db/constants";
import { ImpactOptions } from "../impact-options";
import { getPage } from "@/lib/page/page";
import { createIncidentAction, previewPostAction } from "../actions";
import { pickerComponents } from "../load-components";
import { prefillNotice, templatePrefill, type SearchParams } from "../template-prefill";

export const metadata = { title: "New incident · Herald" };

const STATUSES = INCIDENT_STATUSES.filter((s) => s !== "postmortem");

export default async function NewIncidentPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const { ctx } = await requireUser("editor");
  const page = await getPage(ctx.db);
  const components = await pickerComponents(ctx.db, page.id);
  const { templates, prefill } = await templatePrefill(ctx.db, page, components, await searchParams);
  const notice = prefill && prefillNotice(prefill, true);
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
      {/* Keyed on the template: after "Use template" the form starts over with the merged values. */}
      <ActionForm
        key={prefill?.templateId ?? ""}
        action={createIncidentAction}
        className="space-y-6"
        aria-label="New incident"
      >
        <Card>
          <TemplatePicker
            templates={templates}
            selected={prefill?.templateId}
            action="/admin/incidents/new"
            id="template"
          />
          {notice && (
            <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400" role="status">
              {notice}
            </p>
          )}
        </Card>
        <Card title="What is happening">
          <div className="space-y-4">
            <FormField
              label="Incident name"
              name="name"
              hint="Shown as the title on the status page. At most 255 characters."
            >
              <Input
                name="name"
                required
                maxLength={255}
                placeholder="Elevated error rates on the API"
                defaultValue={prefill?.name}
              />
            </FormField>
            <FormField label="Status" name="status">
              <Select name="status" defaultValue={prefill?.status || "investigating"} className="sm:max-w-xs">
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {INCIDENT_STATUS_LABELS[s]}
                  </option>
                ))}
              </Select>
            </FormField>
            <FormField
              label="Message"
              name="body"
              hint={<>Markdown: **bold**, _italic_, [links](https://example.com), lists. {PLACEHOLDER_HINT}</>}
            >
              <Textarea
                name="body"
                required
                rows={6}
                maxLength={20000}
                placeholder="We are investigating elevated error rates…"
                defaultValue={prefill?.body}
              />
            </FormField>
          </div>
        </Card>
        <Card
          title="Affected components"
          description="Set a new status, or tick “Affected” to name a component without changing it."
        >
          <ComponentPicker
            components={components}
            mode="create"
            preset={prefill?.components}
            named={prefill?.named}
            highlight={[...Object.keys(prefill?.components ?? {}), ...(prefill?.named ?? [])]}
          />
        </Card>
        <Card title="Impact and delivery">
          <div className="space-y-4">
            <FormField
              label="Impact"
              name="impactOverride"
              hint="Computed from the component statuses unless you pick one."
            >
              <Select name="impactOverride" defaultValue={prefill?.impactOverride ?? ""} className="sm:max-w-xs">
                <ImpactOptions />
              </Select>
            </FormField>
            <Checkbox
              name="notify"
              label="Notify subscribers"
              hint="Email and feed subscribers hear about this update."
              defaultChecked={prefill?.notify}
            />
            <FormField
              label={`Publish at (${zoneLabel(now, page.timeZone)}, optional)`}
              name="publishAt"
              className="sm:max-w-xs"
              hint={
                "Save it now and make it public later: nothing shows on the status page and nobody is notified " +
                "before then."
              }
            >
              <Input
                name="publishAt"
                type="datetime-local"
                min={toLocalInput(now, page.timeZone)}
                defaultValue={prefill?.publishAt}
              />
            </FormField>
            <div className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
              <Checkbox
                name="backfilled"
                defaultChecked={prefill?.backfilled}
                label="Backfill a past incident"
                hint={
                  "Records history only: it is stored as resolved, notifies nobody and leaves current component " +
                  "statuses alone."
                }
              />
              <FormField
                label={`When it happened (${zoneLabel(now, page.timeZone)})`}
                name="backfillDate"
                className="mt-3 sm:max-w-xs"
              >
                <Input
                  name="backfillDate"
                  type="datetime-local"
                  max={toLocalInput(now, page.timeZone)}
                  defaultValue={prefill?.backfillDate}
                />
              </FormField>
            </div>
          </div>
        </Card>
        <KeepPlaceholders />
        <div className="flex flex-wrap gap-3">
          <SubmitButton pendingLabel="Publishing…">Create incident</SubmitButton>
          <PostPreviewButton action={previewPostAction} />
          <Link
            href="/admin"
            className="inline-flex items-center px-3 text-sm text-zinc-600 hover:underline dark:text-zinc-400"
          >
            Cancel
          </Link>
        </div>
      </ActionForm>
    </>
  );
}
