import type { Page } from "@playwright/test";
import { setupOwner } from "../lib/users/users";
import { expect, test } from "./fixtures";

// A password change must end every other session of the account, and guessing
// the current password from a stolen session is limited like sign-in.

const OWNER = { name: "Olive Owner", email: "owner@example.com", password: "correct horse battery" };

// Attempts are counted in fixed windows: a day-long one keeps the six attempts below in one window (with the
// default 15 minutes, a run across a quarter hour started counting afresh and the sixth attempt went through).
test.use({ serverEnv: { HERALD_SIGNIN_LOCK_MINUTES: "1440" } });

async function signIn(page: Page, password: string) {
  await page.goto("/admin/login");
  await page.getByLabel("Email").fill(OWNER.email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Incidents", exact: true })).toBeVisible();
}

async function changePassword(page: Page, current: string, next: string) {
  await page.goto("/admin/account");
  await page.getByLabel("Current password").fill(current);
  await page.getByLabel("New password", { exact: true }).fill(next);
  await page.getByLabel("Repeat the new password").fill(next);
  await page.getByRole("button", { name: "Change password" }).click();
}

test("changing the password signs out the other sessions, and wrong current passwords are limited", async ({
  page,
  browser,
  server,
}) => {
  // Eight password hashes (scrypt, slow on purpose) plus two sign-ins.
  test.setTimeout(150_000);
  await setupOwner(server.db, new Date(), OWNER);
  await signIn(page, OWNER.password);
  const laptop = await browser.newContext({ baseURL: server.url });
  const other = await laptop.newPage();
  await signIn(other, OWNER.password);

  const changed = "a brand new passphrase";
  await changePassword(page, OWNER.password, changed);
  await expect(page.getByText("Password changed")).toBeVisible();

  // The other session is gone on its very next request; this one stays.
  await other.goto("/admin");
  await expect(other).toHaveURL(/\/admin\/login$/);
  await page.goto("/admin");
  await expect(page.getByRole("heading", { name: "Incidents", exact: true })).toBeVisible();
  await laptop.close();

  for (let i = 0; i < 5; i++) {
    await changePassword(page, `wrong guess ${i}!`, "another new passphrase");
    await expect(page.getByText("That is not your current password")).toBeVisible();
  }
  await changePassword(page, changed, "another new passphrase");
  await expect(page.getByText(/Too many attempts/)).toBeVisible();
});
