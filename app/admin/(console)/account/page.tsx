import { requireUser } from "@/app/_server/auth";
import { ActionForm, SubmitButton } from "@/components/admin/action-form";
import { Card, FormField, PageHeader } from "@/components/admin/ui";
import { Input } from "@/components/ui/form";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/auth";
import { changePasswordAction } from "./actions";

export const metadata = { title: "Account · Herald" };

export default async function AccountPage({ searchParams }: { searchParams: Promise<{ changed?: string }> }) {
  const { user } = await requireUser();
  const changed = (await searchParams).changed === "1";
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
      <Card title="Change password" description="Every other session of yours is signed out." className="max-w-lg">
        <ActionForm action={changePasswordAction} resetOnSuccess aria-label="Change password">
          <FormField label="Current password" name="currentPassword">
            <Input name="currentPassword" type="password" required autoComplete="current-password" />
          </FormField>
          <FormField label="New password" name="newPassword" hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}>
            <Input
              name="newPassword"
              type="password"
              required
              minLength={MIN_PASSWORD_LENGTH}
              maxLength={256}
              autoComplete="new-password"
            />
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
