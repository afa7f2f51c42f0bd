import { requireUser } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { Card, FormField, PageHeader } from "@/components/admin/ui";
import { Input, NewPasswordInput } from "@/components/ui/form";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/auth";
import { getAuthSettings } from "@/lib/auth/policy";
import { hasPassword } from "@/lib/users/users";
import { disableTwoFactorAction } from "../../two-factor/actions";
import { changePasswordAction } from "./actions";

export const metadata = { title: "Account · Herald" };

const NOTICE = "max-w-lg rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 dark:bg-green-950 dark:text-green-200";

const TWO_FACTOR_NOTICE: Record<string, string> = {
  on: "Two-factor sign-in is on. Sign-in now asks for a code from your app.",
  off: "Two-factor sign-in is off.",
};

export default async function AccountPage({
  searchParams,
}: {
  searchParams: Promise<{ changed?: string; twofactor?: string }>;
}) {
  const { user, ctx } = await requireUser();
  const sp = await searchParams;
  const changed = sp.changed === "1";
  const twoFactorNotice = typeof sp.twofactor === "string" ? TWO_FACTOR_NOTICE[sp.twofactor] : undefined;
  const required = (await getAuthSettings(ctx.db)).requireTwoFactor;
  const withPassword = await hasPassword(ctx.db, user.id);
  return (
    <>
      <PageHeader title="Your account" description={`${user.name} · ${user.email} · ${user.role}`} />
      {changed && (
        <p
          role="status"
          className={
            "mb-4 max-w-lg rounded-md bg-green-50 px-3 py-2 text-sm text-green-800 dark:bg-green-950 " +
            "dark:text-green-200"
          }
        >
          Password changed. Your other sessions were signed out.
        </p>
      )}
      {twoFactorNotice && (
        <p role="status" className={`${NOTICE} mb-4`}>
          {twoFactorNotice}
        </p>
      )}
      <Card
        title="Two-factor sign-in"
        description={
          user.twoFactorEnabled
            ? "On: sign-in asks for a code from your authenticator app (or a recovery code)."
            : "Off: sign-in asks only for your password."
        }
        className="mb-6 max-w-lg"
      >
        {!user.twoFactorEnabled ? (
          <a
            href="/admin/two-factor"
            className="inline-block rounded-md bg-blue-600 px-3 py-2 text-sm font-medium text-white hover:bg-blue-700"
          >
            Set up two-factor
          </a>
        ) : required ? (
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            The owner requires two-factor sign-in for everyone, so it stays on.
          </p>
        ) : (
          <ActionForm action={disableTwoFactorAction} aria-label="Turn off two-factor">
            {withPassword && (
              <FormField label="Your password" name="password">
                <Input name="password" type="password" required autoComplete="current-password" />
              </FormField>
            )}
            <FormField label="A current code or a recovery code" name="code">
              <Input name="code" required autoComplete="one-time-code" maxLength={40} />
            </FormField>
            <SubmitButton variant="secondary" pendingLabel="Turning off…">
              Turn off two-factor
            </SubmitButton>
          </ActionForm>
        )}
      </Card>
      <Card title="Change password" description="Every other session of yours is signed out." className="max-w-lg">
        <ActionForm action={changePasswordAction} resetOnSuccess aria-label="Change password">
          <FormField label="Current password" name="currentPassword">
            <Input name="currentPassword" type="password" required autoComplete="current-password" />
          </FormField>
          <FormField label="New password" name="newPassword" hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}>
            <NewPasswordInput name="newPassword" minLength={MIN_PASSWORD_LENGTH} />
          </FormField>
          <FormField label="Repeat the new password" name="confirmPassword">
            <Input name="confirmPassword" type="password" required autoComplete="new-password" />
          </FormField>
          <SubmitButton pendingLabel="Changing…">Change password</SubmitButton>
        </ActionForm>
      </Card>
    </>
  );
}
