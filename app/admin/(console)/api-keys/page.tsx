import { requireConsolePage } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { formatDateTime } from "@/components/admin/time";
import { Card, ConfirmForm, EmptyState, FormField, PageHeader, ReadOnlyNotice } from "@/components/admin/ui";
import { Input, Select } from "@/components/ui/form";
import { listApiKeys, type ApiKeyListItem } from "@/lib/api-keys/api-keys";
import { createApiKeyAction, revokeApiKeyAction } from "./actions";

export const metadata = { title: "API keys · Herald" };

export default async function ApiKeysPage() {
  const { ctx, page, canAdmin } = await requireConsolePage();
  const keys = await listApiKeys(ctx.db, page.id);
  const tz = page.timeZone;

  return (
    <>
      <PageHeader
        title="API keys"
        description={
          <>
            For the management API under <code className="font-mono">/api/v1</code>. Send a key as{" "}
            <code className="font-mono">Authorization: OAuth &lt;key&gt;</code> or{" "}
            <code className="font-mono">Bearer &lt;key&gt;</code>. Page id: <code className="font-mono">{page.id}</code>
          </>
        }
      />
      {!canAdmin && <ReadOnlyNotice>Only admins can create or revoke keys.</ReadOnlyNotice>}
      <div className="grid items-start gap-6 lg:grid-cols-3">
        <Card className="overflow-x-auto lg:col-span-2" title="Keys">
          {keys.length ? (
            <table className="w-full text-sm">
              <thead>
                <tr className="text-left text-xs uppercase tracking-wide text-zinc-500">
                  <th className="py-2 pr-3 font-medium">Name</th>
                  <th className="py-2 pr-3 font-medium">Key</th>
                  <th className="py-2 pr-3 font-medium">Role</th>
                  <th className="py-2 pr-3 font-medium">Created by</th>
                  <th className="py-2 pr-3 font-medium">Created</th>
                  <th className="py-2 pr-3 font-medium">Last used</th>
                  <th className="py-2 font-medium">
                    <span className="sr-only">State</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {keys.map((k) => (
                  <tr key={k.id} className={k.revokedAt ? "text-zinc-400" : ""}>
                    <td className="py-2 pr-3 font-medium">{k.name}</td>
                    <td className="py-2 pr-3 font-mono text-xs">{k.prefix}…</td>
                    <td className="py-2 pr-3">
                      <KeyRole k={k} />
                    </td>
                    <td className="py-2 pr-3">
                      <Creator k={k} />
                    </td>
                    <td className="py-2 pr-3 whitespace-nowrap">{formatDateTime(k.createdAt, tz)}</td>
                    <td className="py-2 pr-3 whitespace-nowrap">
                      {k.lastUsedAt ? formatDateTime(k.lastUsedAt, tz) : "Never"}
                    </td>
                    <td className="py-2 align-top">
                      {k.revokedAt ? (
                        <span className="text-xs">Revoked {formatDateTime(k.revokedAt, tz)}</span>
                      ) : canAdmin ? (
                        <ConfirmForm
                          action={revokeApiKeyAction}
                          fields={{ id: k.id }}
                          label={`Revoke ${k.name}`}
                          className="space-y-2"
                          summary="Revoke"
                          confirmLabel={`Revoke ${k.name}`}
                          warning="Requests with this key fail from now on."
                        />
                      ) : (
                        <span className="text-xs text-green-700">Active</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <EmptyState>No API keys yet.</EmptyState>
          )}
        </Card>
        {canAdmin && (
          <Card
            title="Create a key"
            description={
              "The key is shown once; only a hash is stored. It belongs to you: it never acts above your " +
              "role, and it is revoked if you are removed."
            }
          >
            <ActionForm action={createApiKeyAction} resetOnSuccess aria-label="Create a key">
              <FormField label="Name" name="name" hint="What uses it, e.g. “Deploy pipeline”.">
                <Input name="name" required maxLength={100} />
              </FormField>
              <FormField label="Role" name="role">
                <Select name="role" defaultValue="editor">
                  <option value="admin">Admin (everything)</option>
                  <option value="editor">Editor (incidents, statuses)</option>
                  <option value="viewer">Viewer (read-only)</option>
                </Select>
              </FormField>
              <SubmitButton pendingLabel="Creating…">Create key</SubmitButton>
            </ActionForm>
          </Card>
        )}
      </div>
    </>
  );
}

/** The granted role, and the one the key acts with when its creator's role caps it. */
function KeyRole({ k }: { k: ApiKeyListItem }) {
  if (k.revokedAt || k.effectiveRole === k.role) return <span className="capitalize">{k.role}</span>;
  return (
    <>
      <span className="capitalize">{k.role}</span>{" "}
      <span className="text-xs text-amber-700 dark:text-amber-400">
        {k.effectiveRole ? <>acts as {k.effectiveRole} (creator&rsquo;s role)</> : "inactive: creator removed"}
      </span>
    </>
  );
}

function Creator({ k }: { k: ApiKeyListItem }) {
  if (k.createdBy) return <span title={k.createdBy.email}>{k.createdBy.name}</span>;
  return <span className="text-zinc-500">{k.creatorRemoved ? "Removed user" : "CLI"}</span>;
}
