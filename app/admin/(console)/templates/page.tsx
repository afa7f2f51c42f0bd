import { requireConsolePage } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { Card, Checkbox, ConfirmForm, EmptyState, FormField, PageHeader, ReadOnlyNotice } from "@/components/admin/ui";
import { Input, Select, Textarea } from "@/components/ui/form";
import { COMPONENT_STATUS_LABELS, COMPONENT_STATUSES, INCIDENT_STATUS_LABELS, INCIDENT_STATUSES } from "@/db/constants";
import { ComponentSections } from "@/components/ui/component-sections";
import { listComponentSections, type ComponentSection } from "@/lib/components/order";
import { listTemplates, PLACEHOLDER_HELP, PLACEHOLDERS, type TemplateDto } from "@/lib/templates/templates";
import { createTemplateAction, deleteTemplateAction, updateTemplateAction } from "./actions";

export const metadata = { title: "Templates · Herald" };

type Sections = ComponentSection<{ id: string; name: string }>[];

function TemplateFields({ prefix, t, sections }: { prefix: string; t?: TemplateDto; sections: Sections }) {
  return (
    <>
      <div className="grid gap-3 sm:grid-cols-2">
        <FormField label="Template name" name="name" id={`${prefix}-name`}>
          <Input name="name" id={`${prefix}-name`} defaultValue={t?.name} required maxLength={100} />
        </FormField>
        <FormField label="Incident status" name="status" id={`${prefix}-status`}>
          <Select name="status" id={`${prefix}-status`} defaultValue={t?.status ?? "investigating"}>
            {INCIDENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {INCIDENT_STATUS_LABELS[s]}
              </option>
            ))}
          </Select>
        </FormField>
      </div>
      <FormField label="Title" name="title" id={`${prefix}-title`}>
        <Input name="title" id={`${prefix}-title`} defaultValue={t?.title} required maxLength={255} />
      </FormField>
      <FormField
        label="Message"
        name="body"
        id={`${prefix}-body`}
        hint="Markdown. Placeholders are listed on this page."
      >
        <Textarea name="body" id={`${prefix}-body`} defaultValue={t?.body} required maxLength={20000} />
      </FormField>
      {sections.length > 0 && (
        <fieldset>
          <legend className="text-sm font-medium">Component statuses to set</legend>
          <ComponentSections sections={sections} listClassName="mt-1 grid gap-2 sm:grid-cols-2">
            {(c) => (
              <label className="text-sm">
                {c.name}
                <select
                  name={`status.${c.id}`}
                  defaultValue={t?.components[c.id] ?? ""}
                  className={
                    "mt-1 block w-full rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm " +
                    "dark:border-zinc-700 dark:bg-zinc-900"
                  }
                >
                  <option value="">No change</option>
                  {COMPONENT_STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {COMPONENT_STATUS_LABELS[s]}
                    </option>
                  ))}
                </select>
              </label>
            )}
          </ComponentSections>
        </fieldset>
      )}
      <Checkbox
        name="notify"
        id={`${prefix}-notify`}
        label="Email subscribers by default"
        defaultChecked={t?.notify ?? false}
      />
    </>
  );
}

export default async function TemplatesPage() {
  const { ctx, page, canEdit } = await requireConsolePage();
  const [templates, sections] = await Promise.all([
    listTemplates(ctx.db, page.id),
    listComponentSections(ctx.db, page.id, { audience: "console" }),
  ]);

  return (
    <>
      <PageHeader
        title="Incident templates"
        description={
          "Prepared text for each phase of an incident, picked when creating an incident or posting an " + "update."
        }
      />
      {!canEdit && <ReadOnlyNotice>Editing templates needs the editor role.</ReadOnlyNotice>}
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <div className="space-y-4">
          {templates.length === 0 && <EmptyState>No templates yet.</EmptyState>}
          {templates.map((t) => (
            <Card key={t.id} title={t.name} description={`${INCIDENT_STATUS_LABELS[t.status]} · ${t.title}`}>
              <pre className="whitespace-pre-wrap text-sm text-zinc-700 dark:text-zinc-300">{t.body}</pre>
              {canEdit && (
                <div className="mt-3 flex flex-wrap items-start gap-3">
                  <details className="flex-1">
                    <summary className="cursor-pointer text-sm text-blue-700 dark:text-blue-400">Edit</summary>
                    <ActionForm action={updateTemplateAction} aria-label={`Edit ${t.name}`} className="mt-3 space-y-3">
                      <input type="hidden" name="id" value={t.id} />
                      <TemplateFields prefix={`t-${t.id}`} t={t} sections={sections} />
                      <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
                    </ActionForm>
                  </details>
                  <ConfirmForm
                    action={deleteTemplateAction}
                    fields={{ id: t.id }}
                    label={`Delete ${t.name}`}
                    className=""
                    quiet
                    summary="Delete"
                    confirmLabel={`Delete “${t.name}”`}
                  />
                </div>
              )}
            </Card>
          ))}
        </div>
        <div className="space-y-4">
          {canEdit && (
            <Card title="New template">
              <ActionForm action={createTemplateAction} resetOnSuccess aria-label="New template">
                <TemplateFields prefix="new" sections={sections} />
                <SubmitButton pendingLabel="Creating…">Create template</SubmitButton>
              </ActionForm>
            </Card>
          )}
          <Card
            title="Placeholders"
            description="Replaced when the template is used. Anything else in braces is kept as written."
          >
            <dl className="space-y-1 text-sm">
              {PLACEHOLDERS.map((p) => (
                <div key={p}>
                  <dt className="inline font-mono">{`{{${p}}}`}</dt>{" "}
                  <dd className="inline text-zinc-600 dark:text-zinc-400">— {PLACEHOLDER_HELP[p]}</dd>
                </div>
              ))}
            </dl>
          </Card>
        </div>
      </div>
    </>
  );
}
