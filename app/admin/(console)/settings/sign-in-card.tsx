import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { Card, FormField } from "@/components/admin/ui";
import { Input, Textarea } from "@/components/ui/form";
import { authSettingsDto, formatSsoDomains } from "@/lib/auth/policy";
import type { AuthSettings } from "@/db/schema";
import { updateSignInSettingsAction } from "./sign-in-actions";

const check = "mt-1 size-4 rounded border-zinc-300";

/** Two-factor policy and single sign-on. Only the owner changes them; the client secret never reaches the browser. */
export function SignInSettingsCard({
  settings,
  isOwner,
  callbackUrl,
}: {
  settings: AuthSettings;
  isOwner: boolean;
  callbackUrl: string;
}) {
  const s = authSettingsDto(settings);
  return (
    <Card
      className="mt-6 max-w-2xl"
      title="Sign-in and single sign-on"
      description={isOwner ? "Who can get into this console, and how." : "Only the owner changes these."}
    >
      <ActionForm action={updateSignInSettingsAction} aria-label="Sign-in settings">
        <fieldset disabled={!isOwner} className="space-y-4">
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" name="requireTwoFactor" defaultChecked={s.requireTwoFactor} className={check} />
            <span>
              <span className="font-medium">Require two-factor sign-in</span>
              <span className="block text-zinc-600 dark:text-zinc-400">
                Accounts with a password and no second factor must set one up before anything else, from their next
                request.
              </span>
            </span>
          </label>
          <FormField
            label="OIDC issuer URL"
            name="oidcIssuer"
            hint={
              s.oidcFromEnv
                ? "Set by HERALD_OIDC_ISSUER in the environment."
                : `Your identity provider's issuer. Redirect URI to register there: ${callbackUrl}`
            }
          >
            <Input
              name="oidcIssuer"
              type="url"
              defaultValue={s.oidcIssuer}
              disabled={s.oidcFromEnv}
              placeholder="https://sso.example.com/realms/staff"
            />
          </FormField>
          <FormField label="Client ID" name="oidcClientId">
            <Input name="oidcClientId" defaultValue={s.oidcClientId} disabled={s.oidcFromEnv} autoComplete="off" />
          </FormField>
          <FormField
            label="Client secret"
            name="oidcClientSecret"
            hint={s.oidcSecretSet ? "A secret is stored. Leave empty to keep it." : "Not set."}
          >
            <Input name="oidcClientSecret" type="password" disabled={s.oidcFromEnv} autoComplete="new-password" />
          </FormField>
          {s.oidcSecretSet && !s.oidcFromEnv && (
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="clearOidcSecret" className={check} /> Remove the stored secret
            </label>
          )}
          <FormField
            label="Email domains served by SSO"
            name="ssoDomains"
            hint={
              "One per line: the domain, the role of accounts it creates, and optionally sso-only to switch " +
              "password sign-in off for it. Addresses at other domains cannot use SSO."
            }
          >
            <Textarea
              name="ssoDomains"
              rows={3}
              defaultValue={formatSsoDomains(s.ssoDomains)}
              placeholder={"example.com editor sso-only"}
              className="font-mono"
            />
          </FormField>
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" name="oidcJit" defaultChecked={s.oidcJit} className={check} />
            <span>
              <span className="font-medium">Create accounts at first SSO sign-in</span>
              <span className="block text-zinc-600 dark:text-zinc-400">
                Off: only invited people and existing accounts get in.
              </span>
            </span>
          </label>
          {isOwner && <SubmitButton pendingLabel="Saving…">Save sign-in settings</SubmitButton>}
        </fieldset>
      </ActionForm>
    </Card>
  );
}
