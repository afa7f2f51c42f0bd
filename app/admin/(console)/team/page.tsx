import { requireConsolePage } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { formatDateTime } from "@/components/admin/time";
import { Card, ConfirmForm, FormField, PageHeader, ReadOnlyNotice } from "@/components/admin/ui";
import { Input, Select } from "@/components/ui/form";
import type { Role } from "@/db/constants";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/constants";
import { listOpenInvitations } from "@/lib/users/invitations";
import { listUsers, userDto } from "@/lib/users/users";
import {
  changeRoleAction,
  createUserAction,
  inviteUserAction,
  removeUserAction,
  resendInvitationAction,
  revokeInvitationAction,
} from "./actions";

export const metadata = { title: "Team · Herald" };

const ROLE_INFO: Record<Role, string> = {
  owner: "Everything, including admins",
  admin: "Settings, components, team, API keys",
  editor: "Incidents and component statuses",
  viewer: "Read-only",
};
const ROLE_LABEL: Record<Role, string> = { owner: "Owner", admin: "Admin", editor: "Editor", viewer: "Viewer" };

/** The roles the signed-in user may hand out, as a select's options. */
function RoleOptions({ roles }: { roles: Role[] }) {
  return roles.map((r) => (
    <option key={r} value={r}>
      {ROLE_LABEL[r]}
    </option>
  ));
}

export default async function TeamPage() {
  const { user: me, ctx, page, canAdmin } = await requireConsolePage();
  const users = (await listUsers(ctx.db)).map(userDto);
  const invitations = await listOpenInvitations(ctx.db, ctx.now());
  const isOwner = me.role === "owner";
  // Mirrors lib/users checkCanManage so only usable forms are shown; the use case decides.
  const canManage = (u: { id: string; role: Role }) =>
    canAdmin && u.role !== "owner" && u.id !== me.id && (u.role !== "admin" || isOwner);
  const assignable: Role[] = isOwner ? ["admin", "editor", "viewer"] : ["editor", "viewer"];
  const canManageInvite = (role: Role) => canAdmin && (role !== "admin" || isOwner);

  return (
    <>
      <PageHeader title="Team" description="Who can sign in to this console." />
      {!canAdmin && <ReadOnlyNotice>Only admins can manage the team.</ReadOnlyNotice>}
      <div className="grid items-start gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2" title={`Members (${users.length})`}>
          <ul className="-my-2 divide-y divide-zinc-100 dark:divide-zinc-800">
            {users.map((u) => (
              <li
                key={u.id}
                className="flex flex-wrap items-start justify-between gap-3 py-3"
                data-testid="team-member"
              >
                <div className="min-w-0">
                  <div className="font-medium">
                    {u.name}
                    {u.id === me.id && <span className="ml-2 text-xs font-normal text-zinc-500">(you)</span>}
                  </div>
                  <div className="text-sm text-zinc-600 dark:text-zinc-400">{u.email}</div>
                  <div className="text-xs text-zinc-500">Added {formatDateTime(u.createdAt, page.timeZone)}</div>
                </div>
                {canManage(u) ? (
                  <div className="flex flex-wrap items-start gap-2">
                    <ActionForm
                      action={changeRoleAction}
                      quiet
                      className="flex flex-wrap items-center gap-2"
                      aria-label={`Role of ${u.email}`}
                    >
                      <input type="hidden" name="userId" value={u.id} />
                      <label htmlFor={`role-${u.id}`} className="sr-only">
                        Role of {u.email}
                      </label>
                      <select
                        id={`role-${u.id}`}
                        name="role"
                        defaultValue={u.role}
                        className={
                          "rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm " +
                          "dark:border-zinc-700 dark:bg-zinc-900"
                        }
                      >
                        <RoleOptions roles={assignable} />
                      </select>
                      <SubmitButton variant="secondary" className="!py-1">
                        Change
                      </SubmitButton>
                    </ActionForm>
                    <ConfirmForm
                      action={removeUserAction}
                      fields={{ userId: u.id }}
                      label={`Remove ${u.email}`}
                      className="space-y-2"
                      summary="Remove"
                      confirmLabel={`Remove ${u.email}`}
                      warning="They are signed out and can no longer sign in; the API keys they created are revoked."
                    />
                  </div>
                ) : (
                  <span
                    className={
                      "rounded-full bg-zinc-100 px-2 py-0.5 text-xs font-medium text-zinc-700 " +
                      "dark:bg-zinc-800 dark:text-zinc-300"
                    }
                    title={ROLE_INFO[u.role]}
                  >
                    {ROLE_LABEL[u.role]}
                  </span>
                )}
              </li>
            ))}
          </ul>
        </Card>
        {canAdmin && (
          <Card
            title="Invite someone"
            description={
              "They get an email link, valid for 7 days and usable once, to set their name and password " +
              "(or sign in with SSO)."
            }
          >
            <ActionForm action={inviteUserAction} resetOnSuccess aria-label="Invite someone">
              <FormField label="Email" name="email" id="invite-email">
                <Input name="email" id="invite-email" type="email" required autoComplete="off" />
              </FormField>
              <FormField label="Role" name="role" id="invite-role">
                <Select name="role" id="invite-role" defaultValue="editor">
                  <RoleOptions roles={assignable} />
                </Select>
              </FormField>
              <SubmitButton pendingLabel="Inviting…">Send invitation</SubmitButton>
            </ActionForm>
          </Card>
        )}
        {invitations.length > 0 && (
          <Card className="lg:col-span-2" title={`Pending invitations (${invitations.length})`}>
            <ul className="-my-2 divide-y divide-zinc-100 dark:divide-zinc-800">
              {invitations.map((inv) => (
                <li
                  key={inv.id}
                  className="flex flex-wrap items-start justify-between gap-3 py-3"
                  data-testid="invitation"
                >
                  <div className="min-w-0">
                    <div className="font-medium">{inv.email}</div>
                    <div className="text-xs text-zinc-500">
                      {ROLE_LABEL[inv.role]} ·{" "}
                      {inv.state === "expired" ? (
                        <span className="font-medium text-amber-700 dark:text-amber-400">
                          expired {formatDateTime(inv.expiresAt, page.timeZone)}
                        </span>
                      ) : (
                        <>
                          sent {formatDateTime(inv.sentAt, page.timeZone)}, valid until{" "}
                          {formatDateTime(inv.expiresAt, page.timeZone)}
                        </>
                      )}
                    </div>
                  </div>
                  {canManageInvite(inv.role) && (
                    <div className="flex flex-wrap items-start gap-2">
                      <ActionForm
                        action={resendInvitationAction}
                        className="flex items-center gap-2"
                        aria-label={`Resend the invitation for ${inv.email}`}
                      >
                        <input type="hidden" name="invitationId" value={inv.id} />
                        <SubmitButton variant="secondary" className="!py-1" pendingLabel="Sending…">
                          Resend
                        </SubmitButton>
                      </ActionForm>
                      <ConfirmForm
                        action={revokeInvitationAction}
                        fields={{ invitationId: inv.id }}
                        label={`Revoke the invitation for ${inv.email}`}
                        className="space-y-2"
                        summary="Revoke"
                        confirmLabel={`Revoke the invitation for ${inv.email}`}
                        warning="The link stops working at once."
                      />
                    </div>
                  )}
                </li>
              ))}
            </ul>
          </Card>
        )}
        {canAdmin && (
          <Card title="Add a user" description="Share the password with them; they can change it under Account.">
            <ActionForm action={createUserAction} resetOnSuccess aria-label="Add a user">
              <FormField label="Name" name="name" id="new-user-name">
                <Input name="name" id="new-user-name" required maxLength={255} autoComplete="off" />
              </FormField>
              <FormField label="Email" name="email" id="new-user-email">
                <Input name="email" id="new-user-email" type="email" required autoComplete="off" />
              </FormField>
              <FormField
                label="Password"
                name="password"
                id="new-user-password"
                hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
              >
                <Input
                  name="password"
                  id="new-user-password"
                  type="password"
                  required
                  minLength={MIN_PASSWORD_LENGTH}
                  autoComplete="new-password"
                />
              </FormField>
              <FormField
                label="Role"
                name="role"
                id="new-user-role"
                hint={
                  "Editors publish incidents and component statuses; admins also manage settings, components, " +
                  "the team and API keys; viewers only read."
                }
              >
                <Select name="role" id="new-user-role" defaultValue="editor">
                  <RoleOptions roles={assignable} />
                </Select>
              </FormField>
              <SubmitButton pendingLabel="Adding…">Add user</SubmitButton>
            </ActionForm>
          </Card>
        )}
      </div>
    </>
  );
}
