import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { formatDateTime } from "@/components/admin/time";
import { ConfirmForm, FormField } from "@/components/admin/ui";
import { Input, Select } from "@/components/ui/form";
import { COMPONENT_STATUS_LABELS, VENDOR_KIND_LABELS, VENDOR_KINDS } from "@/db/constants";
import type { VendorView } from "@/lib/vendors/vendors";
import { removeVendorAction, setVendorAction, vendorFollowingAction } from "./vendor-actions";

const RESULT_LABELS: Record<string, string> = { ok: "OK", not_modified: "OK (unchanged)" };

/**
 * The line under a followed component's name: whom it follows, what the vendor says, the last poll, and
 * override/resume.
 */
export function VendorLine({
  componentId,
  name,
  vendor,
  tz,
  canEdit,
}: {
  componentId: string;
  name: string;
  vendor: VendorView;
  tz: string;
  canEdit: boolean;
}) {
  const failed = vendor.lastResult !== null && !(vendor.lastResult in RESULT_LABELS);
  return (
    <div
      className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400"
      data-testid="vendor-line"
    >
      <span>
        Follows <span className="font-mono">{new URL(vendor.url).host}</span>
        {vendor.vendorComponentId ? (
          <>
            {" "}
            component <span className="font-mono">{vendor.vendorComponentId}</span>
          </>
        ) : null}
        {vendor.vendorStatus ? <> · vendor says {COMPONENT_STATUS_LABELS[vendor.vendorStatus].toLowerCase()}</> : null}
      </span>
      <span className={failed ? "text-red-700 dark:text-red-400" : ""}>
        Last poll:{" "}
        {vendor.lastPolledAt
          ? `${formatDateTime(vendor.lastPolledAt, tz)}, ${RESULT_LABELS[vendor.lastResult ?? ""] ?? vendor.lastResult}`
          : "not yet"}
      </span>
      {!vendor.following && (
        <span
          className={
            "rounded bg-amber-100 px-1.5 py-0.5 font-medium " + "text-amber-900 dark:bg-amber-900 dark:text-amber-100"
          }
        >
          Overridden: staff set the status
        </span>
      )}
      {canEdit && (
        <ActionForm
          action={vendorFollowingAction}
          quiet
          className="inline"
          aria-label={`${vendor.following ? "Override" : "Resume following"} for ${name}`}
        >
          <input type="hidden" name="componentId" value={componentId} />
          <input type="hidden" name="following" value={vendor.following ? "false" : "true"} />
          <SubmitButton variant="secondary" className="!px-2 !py-0.5 !text-xs">
            {vendor.following ? "Override" : "Resume following"}
          </SubmitButton>
        </ActionForm>
      )}
    </div>
  );
}

/** Admin form: which third-party page the component follows. */
export function VendorForm({
  componentId,
  name,
  vendor,
}: {
  componentId: string;
  name: string;
  vendor: VendorView | undefined;
}) {
  return (
    <details className="min-w-0 flex-1 basis-40">
      <summary
        className={
          "inline-block cursor-pointer rounded-md px-2 py-1 text-sm " +
          "text-blue-700 hover:bg-blue-50 dark:text-blue-400 " +
          "dark:hover:bg-blue-950"
        }
      >
        Vendor
      </summary>
      <div className="mt-2 space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Mirror a third-party status page, polled every minute. Mirrored changes show on your page and in uptime but
          notify nobody. Override to set the status yourself.
        </p>
        <ActionForm action={setVendorAction} className="space-y-3" aria-label={`Vendor of ${name}`}>
          <input type="hidden" name="componentId" value={componentId} />
          <FormField label="Kind" name="kind" id={`${componentId}-kind`}>
            <Select name="kind" id={`${componentId}-kind`} defaultValue={vendor?.kind ?? "statuspage"}>
              {VENDOR_KINDS.map((k) => (
                <option key={k} value={k}>
                  {VENDOR_KIND_LABELS[k]}
                </option>
              ))}
            </Select>
          </FormField>
          <FormField
            label="Status page address"
            name="url"
            id={`${componentId}-url`}
            hint="e.g. https://www.githubstatus.com (the summary.json address works too)."
          >
            <Input name="url" id={`${componentId}-url`} type="url" required defaultValue={vendor?.url} />
          </FormField>
          <FormField
            label="Vendor's component id"
            name="vendorComponentId"
            id={`${componentId}-vendorComponentId`}
            hint={
              "From the vendor's /api/v2/components.json. Empty follows the whole page (the only choice for " +
              "Instatus)."
            }
          >
            <Input
              name="vendorComponentId"
              id={`${componentId}-vendorComponentId`}
              maxLength={64}
              defaultValue={vendor?.vendorComponentId ?? ""}
            />
          </FormField>
          <SubmitButton variant="secondary" pendingLabel="Saving…">
            {vendor ? "Save vendor" : "Follow this vendor"}
          </SubmitButton>
        </ActionForm>
        {vendor && (
          <ConfirmForm
            action={removeVendorAction}
            fields={{ componentId: componentId }}
            label={`Stop following for ${name}`}
            summary="Stop following"
            confirmLabel={`Stop following for ${name}`}
            warning="The component keeps its current status until you change it."
          />
        )}
      </div>
    </details>
  );
}
