import { requireUser } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { Card, FormField, PageHeader, ReadOnlyNotice } from "@/components/admin/ui";
import { Input, Select } from "@/components/ui/form";
import { hasRole } from "@/lib/context";
import { getPage, pageSettingsDto } from "@/lib/page/page";
import { updatePageAction } from "./actions";

export const metadata = { title: "Settings · Herald" };

export default async function SettingsPage() {
  const { ctx } = await requireUser();
  const page = pageSettingsDto(await getPage(ctx.db));
  const canAdmin = hasRole(ctx.actor, "admin");
  // Intl's list leaves out the "UTC" alias; keep whatever is stored selectable.
  const zones = [...new Set(["UTC", page.timeZone, ...Intl.supportedValuesOf("timeZone")])];

  return (
    <>
      <PageHeader title="Settings" description="How your status page presents itself." />
      {!canAdmin && <ReadOnlyNotice>Only admins can change settings.</ReadOnlyNotice>}
      <Card className="max-w-2xl">
        <ActionForm action={updatePageAction} aria-label="Page settings">
          <fieldset disabled={!canAdmin} className="space-y-4">
            <FormField label="Page name" name="name">
              <Input name="name" defaultValue={page.name} required maxLength={255} />
            </FormField>
            <FormField label="Public URL" name="url" hint="Where readers find the page, e.g. https://status.example.com. Used in emails and feeds.">
              <Input name="url" type="url" defaultValue={page.url ?? ""} placeholder="https://status.example.com" />
            </FormField>
            <FormField label="Time zone" name="timeZone" hint="Times on the status page and in this console are shown in this zone.">
              <Select name="timeZone" defaultValue={page.timeZone}>
                {zones.map((z) => (
                  <option key={z} value={z}>
                    {z.replaceAll("_", " ")}
                  </option>
                ))}
              </Select>
            </FormField>
            <FormField label="Support URL" name="supportUrl" hint="A “Get help” link on the status page.">
              <Input name="supportUrl" type="url" defaultValue={page.supportUrl ?? ""} placeholder="https://example.com/support" />
            </FormField>
            <FormField label="Logo URL" name="logoUrl">
              <Input name="logoUrl" type="url" defaultValue={page.logoUrl ?? ""} placeholder="https://example.com/logo.svg" />
            </FormField>
            <FormField label="Brand colour" name="brandColor" hint="Hex, like #2563eb.">
              <div className="mt-1 flex items-center gap-2">
                <span aria-hidden className="size-9 shrink-0 rounded-md border border-zinc-300 dark:border-zinc-700" style={{ backgroundColor: page.brandColor }} />
                <Input name="brandColor" defaultValue={page.brandColor} pattern="#[0-9a-fA-F]{6}" className="!mt-0 max-w-40 font-mono" />
              </div>
            </FormField>
            <FormField label="Email sender" name="emailFrom" hint="The From address of subscriber emails, e.g. status@example.com.">
              <Input name="emailFrom" type="email" defaultValue={page.emailFrom ?? ""} placeholder="status@example.com" />
            </FormField>
            {canAdmin && <SubmitButton pendingLabel="Saving…">Save settings</SubmitButton>}
          </fieldset>
        </ActionForm>
      </Card>
    </>
  );
}
