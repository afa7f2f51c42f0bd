import type { Page } from "@playwright/test";
import { generate } from "otplib";
import { setupOwner } from "../lib/users/users";
import { expect, test } from "./fixtures";

// An owner invites an editor; the editor accepts from the emailed link (read
// in the console's Outbox: no email provider, as on a fresh install), sets
// up two-factor with a code computed from the shown key, signs out, and
// signs in again with a code.

const OWNER = { name: "Olive Owner", email: "owner@example.com", password: "correct horse battery" };
const EDITOR = { name: "Eddie Editor", email: "eddie@example.com", password: "eddie's long passphrase" };

async function signInWithPassword(page: Page, email: string, password: string) {
  await page.goto("/admin/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("an invited editor accepts, enrols two-factor, signs out and in with a code", async ({
  page,
  browser,
  server,
}) => {
  await setupOwner(server.db, new Date(), OWNER);
  await signInWithPassword(page, OWNER.email, OWNER.password);
  await expect(page.getByRole("heading", { name: "Incidents", exact: true })).toBeVisible();

  await page.goto("/admin/team");
  const invite = page.getByRole("form", { name: "Invite someone" });
  await invite.getByLabel("Email").fill(EDITOR.email);
  await invite.getByLabel("Role").selectOption("editor");
  await invite.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(`Invitation for ${EDITOR.email} created`)).toBeVisible();
  await expect(page.getByTestId("invitation").filter({ hasText: EDITOR.email })).toBeVisible();

  // The email, as the owner reads it in the Outbox.
  await page.goto("/admin/outbox");
  await page.getByRole("link", { name: /You are invited to/ }).click();
  const text = page.getByTestId("email-text");
  await expect(text).toContainText("/admin/invite?token=");
  const link = (await text.textContent())?.match(/https?:\/\/\S+\/admin\/invite\?token=[A-Za-z0-9_-]+/)?.[0];
  expect(link, "the invitation link in the stored email").toBeTruthy();

  const editorContext = await browser.newContext({ baseURL: server.url });
  const ed = await editorContext.newPage();
  await ed.goto(link!);
  await expect(ed.getByText("You are invited to the status console as an editor.")).toBeVisible();
  await ed.getByLabel("Your name").fill(EDITOR.name);
  await ed.getByLabel("Password", { exact: true }).fill(EDITOR.password);
  await ed.getByLabel("Repeat the password").fill(EDITOR.password);
  await ed.getByRole("button", { name: "Join" }).click();
  await expect(ed.getByRole("heading", { name: "Incidents", exact: true })).toBeVisible();

  // Two-factor: password, then the key an authenticator app would read from the QR code, then a code.
  await ed.goto("/admin/account");
  await ed.getByRole("link", { name: "Set up two-factor" }).click();
  await ed.getByLabel("Your password").fill(EDITOR.password);
  await ed.getByRole("button", { name: "Set up an authenticator app" }).click();
  await expect(ed.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  await expect(ed.getByTestId("recovery-codes").getByRole("listitem")).toHaveCount(10);
  const secret = (await ed.getByTestId("totp-key").textContent())?.trim() ?? "";
  const enrolCode = await generate({ secret });
  await ed.getByLabel("Code", { exact: true }).fill(enrolCode);
  await ed.getByRole("button", { name: "Turn on two-factor" }).click();
  await expect(ed.getByText("Two-factor sign-in is on.")).toBeVisible();

  await ed.getByRole("button", { name: "Sign out" }).click();
  await expect(ed).toHaveURL(/\/admin\/login$/);
  await signInWithPassword(ed, EDITOR.email, EDITOR.password);
  await ed.getByLabel("Code from your authenticator app").fill("000000" === enrolCode ? "111111" : "000000");
  await ed.getByRole("button", { name: "Verify" }).click();
  await expect(ed.getByText("That code is not right")).toBeVisible();
  await ed.getByLabel("Code from your authenticator app").fill(await generate({ secret }));
  await ed.getByRole("button", { name: "Verify" }).click();
  await expect(ed.getByRole("heading", { name: "Incidents", exact: true })).toBeVisible();
  await editorContext.close();
});
