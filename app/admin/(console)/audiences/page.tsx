import Link from "next/link";
import { requireConsolePage } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { formatDateTime } from "@/components/admin/time";
import {
  Card,
  Checkbox,
  ConfirmForm,
  EmptyState,
  FormField,
  linkClass,
  PageHeader,
  ReadOnlyNotice,
} from "@/components/admin/ui";
import { Input, Select, Textarea } from "@/components/ui/form";
import { listAudiences } from "@/lib/audiences/audiences";
import { env } from "@/lib/env";
import { publicBaseUrl } from "@/lib/public/page";
import { loadViewerSettings } from "@/lib/viewers/access";
import { VIEWER_OIDC_CALLBACK, viewerOidcDto } from "@/lib/viewers/oidc";
import { listViewerTokens } from "@/lib/viewers/settings";
import {
  createAudienceAction,
  createViewerTokenAction,
  revokeViewerTokenAction,
  updateViewerOidcAction,
  updateViewerSettingsAction,
} from "./actions";

export const metadata = { title: "Audiences · Herald" };

export default async function AudiencesPage() {
  const { ctx, page, canAdmin } = await requireConsolePage();
  const [audiences, settings, tokens] = await Promise.all([
    listAudiences(ctx.db, page.id),
    loadViewerSettings(ctx.db, page.id),
    listViewerTokens(ctx.db, page.id),
  ]);
  // The client secret stays on the server: the form only learns whether one is stored.
  const sso = viewerOidcDto(settings);
  const callbackUrl = `${publicBaseUrl(page, env().HERALD_URL)}${VIEWER_OIDC_CALLBACK}`;
  return (
    <>
      <PageHeader
        title="Audiences and viewers"
        description={
          "Audiences are named groups of viewers. Restrict components, groups and incidents to audiences: " +
          "everyone sees what is public, each viewer also sees what their audiences may see."
        }
      />
      {!canAdmin && <ReadOnlyNotice>Only admins can change audiences, members and viewer sign-in.</ReadOnlyNotice>}
      <div className="grid items-start gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2" title="Audiences">
          {audiences.length ? (
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {audiences.map((a) => (
                <li key={a.id} className="flex items-center justify-between py-2 text-sm">
                  <Link href={`/admin/audiences/${a.id}`} className={`font-medium ${linkClass}`}>
                    {a.name}
                  </Link>
                  <span className="text-zinc-500">
                    {a.members} member{a.members === 1 ? "" : "s"}
                  </span>
                </li>
              ))}
            </ul>
          ) : (
            <EmptyState>No audiences yet. Create one, e.g. “Enterprise customers”.</EmptyState>
          )}
        </Card>
        {canAdmin && (
          <Card title="New audience">
            <ActionForm action={createAudienceAction} resetOnSuccess aria-label="New audience">
              <FormField label="Name" name="name">
                <Input name="name" required maxLength={100} />
              </FormField>
              <SubmitButton pendingLabel="Creating…">Create audience</SubmitButton>
            </ActionForm>
          </Card>
        )}
        <Card
          className="lg:col-span-2"
          title="Who may read the status page"
          description={
            "A private page needs a viewer sign-in on every public surface: " +
            "pages, API v2 JSON, feeds, badges, OG images and the embed."
          }
        >
          <ActionForm action={updateViewerSettingsAction} aria-label="Viewer sign-in settings">
            <FormField label="Visibility" name="visibility">
              <Select name="visibility" defaultValue={settings.visibility} disabled={!canAdmin}>
                <option value="public">Public: anyone can read it</option>
                <option value="private">Private: viewers sign in</option>
              </Select>
            </FormField>
            <Checkbox
              name="magicLinkEnabled"
              label="Email sign-in links"
              defaultChecked={settings.magicLinkEnabled}
              hint="Sent to audience members (addresses or @domains) and to the domains below."
            />
            <FormField
              label="Other email domains that may sign in"
              name="allowedDomains"
              hint="One per line, e.g. example.com. They see what is public only, unless they are in an audience."
            >
              <Textarea name="allowedDomains" rows={3} defaultValue={settings.allowedDomains} />
            </FormField>
            <FormField
              label="Shared page password"
              name="password"
              hint={
                settings.passwordHash
                  ? "A password is set. Type a new one to replace it (everyone signed in with it is signed out)."
                  : "None set. At least 8 characters; stored hashed."
              }
            >
              <Input name="password" type="password" autoComplete="new-password" />
            </FormField>
            {settings.passwordHash && <Checkbox name="removePassword" label="Remove the page password" />}
            <FormField
              label="IP allow-list"
              name="ipAllowList"
              hint={
                "Addresses or CIDR ranges (one per line) that read a private page without signing in, " +
                "e.g. 10.0.0.0/8. The client address follows HERALD_TRUSTED_PROXIES."
              }
            >
              <Textarea name="ipAllowList" rows={3} defaultValue={settings.ipAllowList} />
            </FormField>
            {canAdmin && <SubmitButton pendingLabel="Saving…">Save</SubmitButton>}
          </ActionForm>
        </Card>
        <Card
          className="lg:col-span-2"
          title="Single sign-on for viewers (OIDC)"
          description={
            "Viewers sign in with your identity provider (Okta, Entra ID, Google Workspace, Keycloak…). " +
            "The same addresses may sign in as by email link: audience members and the domains above."
          }
        >
          <ActionForm action={updateViewerOidcAction} aria-label="Viewer single sign-on">
            <p className="text-sm">
              Register a web application at the provider with this redirect URI:{" "}
              <code className="rounded bg-zinc-100 px-1 py-0.5 text-xs break-all dark:bg-zinc-800">{callbackUrl}</code>
            </p>
            <FormField
              label="Issuer URL"
              name="issuer"
              id="oidcIssuer"
              hint="e.g. https://login.example.com/realms/main. Empty switches viewer single sign-on off."
            >
              <Input id="oidcIssuer" name="oidcIssuer" type="url" defaultValue={sso.issuer} disabled={!canAdmin} />
            </FormField>
            <FormField label="Client ID" name="clientId" id="oidcClientId">
              <Input id="oidcClientId" name="oidcClientId" defaultValue={sso.clientId} disabled={!canAdmin} />
            </FormField>
            <FormField
              label="Client secret"
              name="clientSecret"
              id="oidcClientSecret"
              hint={
                sso.secretSet
                  ? "A secret is stored (it is never shown again). Type a new one to replace it."
                  : "Stored on the server only; never shown again."
              }
            >
              <Input
                id="oidcClientSecret"
                name="oidcClientSecret"
                type="password"
                autoComplete="off"
                disabled={!canAdmin}
              />
            </FormField>
            {canAdmin && <SubmitButton pendingLabel="Saving…">Save single sign-on</SubmitButton>}
          </ActionForm>
        </Card>
        <Card
          title="Viewer tokens"
          description={
            "For machine surfaces of a private page (JSON, feeds, badges): add ?token=… to the URL. " +
            "Each token reads as its viewer's audiences."
          }
        >
          {tokens.length ? (
            <ul className="mb-4 divide-y divide-zinc-100 text-sm dark:divide-zinc-800">
              {tokens.map((t) => (
                <li key={t.id} className="py-2">
                  <p className="font-medium">{t.email}</p>
                  <p className="text-xs text-zinc-500">
                    <span className="font-mono">{t.prefix}…</span> · {formatDateTime(t.createdAt, page.timeZone)}
                  </p>
                  {canAdmin && (
                    <ConfirmForm
                      action={revokeViewerTokenAction}
                      fields={{ id: t.id }}
                      label={`Revoke token of ${t.email}`}
                      summary="Revoke"
                      confirmLabel={`Revoke ${t.prefix}…`}
                      warning="URLs with this token stop working at once."
                    />
                  )}
                </li>
              ))}
            </ul>
          ) : (
            <EmptyState>No tokens.</EmptyState>
          )}
          {canAdmin && (
            <ActionForm action={createViewerTokenAction} resetOnSuccess aria-label="New viewer token">
              <FormField label="Viewer email" name="email">
                <Input name="email" type="email" required />
              </FormField>
              <SubmitButton pendingLabel="Creating…">Create token</SubmitButton>
            </ActionForm>
          )}
        </Card>
      </div>
    </>
  );
}
