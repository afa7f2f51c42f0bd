import Link from "next/link";
import { requireConsolePage } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { Card, FormField, PageHeader, ReadOnlyNotice, secondaryButtonLinkClass } from "@/components/admin/ui";
import { RemindSelect } from "@/components/admin/remind-select";
import { Input, Select } from "@/components/ui/form";
import { cadenceOf, DEFAULT_CADENCE, type CadencePolicy } from "@/lib/incidents/practice";
import { pageSettingsDto } from "@/lib/page/page";
import { getAuthSettings } from "@/lib/auth/policy";
import { env } from "@/lib/env";
import { updateCadenceAction, updatePageAction } from "./actions";
import { SignInSettingsCard } from "./sign-in-card";

const CADENCE_FIELDS: { key: keyof CadencePolicy; label: string }[] = [
  { key: "firstUpdateMinutes", label: "First public update within" },
  { key: "criticalMinutes", label: "Critical impact: every" },
  { key: "majorMinutes", label: "Major impact: every" },
  { key: "minorMinutes", label: "Minor or no impact: every" },
];

export const metadata = { title: "Settings · Herald" };

export default async function SettingsPage() {
  const { ctx, page: row, canAdmin } = await requireConsolePage();
  const page = pageSettingsDto(row);
  const cadence = cadenceOf(row);
  const consoleUrl = (env().HERALD_URL ?? `http://localhost:${env().PORT}`).replace(/\/+$/, "");
  // Intl's list leaves out the "UTC" alias; keep whatever is stored selectable.
  const zones = [...new Set(["UTC", page.timeZone, ...Intl.supportedValuesOf("timeZone")])];

  return (
    <>
      <PageHeader
        title="Settings"
        description="How your status page presents itself."
        actions={
          <>
            <Link href="/admin/settings/import" className={secondaryButtonLinkClass}>
              Import from Statuspage
            </Link>
            <Link href="/admin/settings/mirror" className={secondaryButtonLinkClass}>
              Static mirror
            </Link>
          </>
        }
      />
      {!canAdmin && <ReadOnlyNotice>Only admins can change settings.</ReadOnlyNotice>}
      <Card className="max-w-2xl">
        <ActionForm action={updatePageAction} aria-label="Page settings">
          <fieldset disabled={!canAdmin} className="space-y-4">
            <FormField label="Page name" name="name">
              <Input name="name" defaultValue={page.name} required maxLength={255} />
            </FormField>
            <FormField
              label="Public URL"
              name="url"
              hint="Where readers find the page, e.g. https://status.example.com. Used in emails and feeds."
            >
              <Input name="url" type="url" defaultValue={page.url ?? ""} placeholder="https://status.example.com" />
            </FormField>
            <FormField
              label="Time zone"
              name="timeZone"
              hint="Times on the status page and in this console are shown in this zone."
            >
              <Select name="timeZone" defaultValue={page.timeZone}>
                {zones.map((z) => (
                  <option key={z} value={z}>
                    {z.replaceAll("_", " ")}
                  </option>
                ))}
              </Select>
            </FormField>
            <FormField label="Support URL" name="supportUrl" hint="A “Get help” link on the status page.">
              <Input
                name="supportUrl"
                type="url"
                defaultValue={page.supportUrl ?? ""}
                placeholder="https://example.com/support"
              />
            </FormField>
            <FormField label="Logo URL" name="logoUrl">
              <Input
                name="logoUrl"
                type="url"
                defaultValue={page.logoUrl ?? ""}
                placeholder="https://example.com/logo.svg"
              />
            </FormField>
            <FormField label="Brand colour" name="brandColor" hint="Hex, like #2563eb.">
              <div className="mt-1 flex items-center gap-2">
                <span
                  aria-hidden
                  className="size-9 shrink-0 rounded-md border border-zinc-300 dark:border-zinc-700"
                  style={{ backgroundColor: page.brandColor }}
                />
                <Input
                  name="brandColor"
                  defaultValue={page.brandColor}
                  pattern="#[0-9a-fA-F]{6}"
                  className="!mt-0 max-w-40 font-mono"
                />
              </div>
            </FormField>
            <FormField
              label="Email sender"
              name="emailFrom"
              hint="The From address of subscriber emails, e.g. status@example.com."
            >
              <Input
                name="emailFrom"
                type="email"
                defaultValue={page.emailFrom ?? ""}
                placeholder="status@example.com"
              />
            </FormField>
            <FormField
              label="Maintenance reminder"
              name="maintenanceRemindMinutes"
              hint="The reminder a new maintenance starts with; each maintenance can change it."
            >
              <RemindSelect
                name="maintenanceRemindMinutes"
                value={page.maintenanceRemindMinutes}
                className="sm:max-w-xs"
              />
            </FormField>
            {canAdmin && <SubmitButton pendingLabel="Saving…">Save settings</SubmitButton>}
          </fieldset>
        </ActionForm>
      </Card>
      <Card
        className="mt-6 max-w-2xl"
        title="Update cadence"
        description={
          "How often open incidents get a public update. The incident list shows when each one's next " +
          "update is due and highlights the overdue ones."
        }
      >
        <ActionForm action={updateCadenceAction} aria-label="Update cadence">
          <fieldset disabled={!canAdmin} className="space-y-4">
            <div className="grid gap-4 sm:grid-cols-2">
              {CADENCE_FIELDS.map((f) => (
                <FormField
                  key={f.key}
                  label={`${f.label} (minutes)`}
                  name={f.key}
                  hint={`Default ${DEFAULT_CADENCE[f.key]}.`}
                >
                  <Input
                    name={f.key}
                    type="number"
                    min={f.key === "firstUpdateMinutes" ? 1 : 5}
                    max={1440}
                    step={1}
                    required
                    defaultValue={cadence[f.key]}
                    className="max-w-32"
                  />
                </FormField>
              ))}
            </div>
            {canAdmin && <SubmitButton pendingLabel="Saving…">Save cadence</SubmitButton>}
          </fieldset>
        </ActionForm>
      </Card>
      <SignInSettingsCard
        settings={await getAuthSettings(ctx.db)}
        isOwner={ctx.actor.role === "owner"}
        callbackUrl={`${consoleUrl}/api/auth/callback/oidc`}
      />
    </>
  );
}
