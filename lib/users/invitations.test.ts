import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { verifyPassword } from "better-auth/crypto";
import { createTestCtx } from "@/tests/helpers/test-db";
import { account, auditLog, invitation, outboxEmail, user } from "@/db/schema";
import { createOutboxMailer } from "../email/outbox";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors";
import { sha256 } from "../ids";
import {
  acceptInvitation,
  INVITATION_TTL_MS,
  inviteUser,
  listOpenInvitations,
  lookUpInvitation,
  resendInvitation,
  revokeInvitation,
} from "./invitations";
import type { StaffMail } from "./staff-mail";

const PASSWORD = "correct horse battery";
let t: Awaited<ReturnType<typeof createTestCtx>>;
let mail: StaffMail;

beforeAll(async () => {
  t = await createTestCtx("owner");
  mail = {
    mailer: createOutboxMailer(t.db, t.clock.now),
    defaultFrom: "Herald <herald@localhost>",
    consoleUrl: "https://console.example",
  };
});
afterAll(() => t.close());

/** The token of the newest invitation email to this address, read back from the outbox like a person would. */
async function linkTokenFor(email: string): Promise<string> {
  const rows = await t.db.select().from(outboxEmail).where(eq(outboxEmail.toAddress, email));
  const last = rows.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id)).at(-1)!;
  const m = /https:\/\/console\.example\/admin\/invite\?token=([A-Za-z0-9_-]+)/.exec(last.text);
  expect(m, "the email carries the link").toBeTruthy();
  return m![1];
}

describe("invitations", () => {
  it("an invited editor accepts once: account with the role and the password, the link then refused", async () => {
    const sent = await inviteUser(t.ctx, mail, { email: "Ed@Example.com", role: "editor" });
    expect(sent).toMatchObject({
      emailed: true,
      invitation: { email: "ed@example.com", role: "editor", state: "open" },
    });
    const token = await linkTokenFor("ed@example.com");
    // Only the hash is stored.
    const row = (await t.db.select().from(invitation).where(eq(invitation.email, "ed@example.com")))[0];
    expect(row.tokenHash).toBe(sha256(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(await lookUpInvitation(t.db, token, t.clock.now())).toEqual({
      ok: true,
      email: "ed@example.com",
      role: "editor",
    });

    const created = await acceptInvitation(t.db, t.clock.now(), { token, name: "Ed Editor", password: PASSWORD });
    expect(created).toMatchObject({ email: "ed@example.com", role: "editor", name: "Ed Editor" });
    const cred = await t.db.query.account.findFirst({ where: eq(account.userId, created.id) });
    expect(await verifyPassword({ hash: cred!.password!, password: PASSWORD })).toBe(true);
    expect(await t.db.select().from(auditLog).where(eq(auditLog.action, "user.accept_invitation"))).toHaveLength(1);

    await expect(
      acceptInvitation(t.db, t.clock.now(), { token, name: "Mallory", password: "another password" }),
    ).rejects.toThrow(ValidationError);
    expect(await lookUpInvitation(t.db, token, t.clock.now())).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/already used/),
    });
    expect(await t.db.select().from(user).where(eq(user.email, "ed@example.com"))).toHaveLength(1);
    expect(await listOpenInvitations(t.db, t.clock.now())).toEqual([]);
  });

  it("expires after 7 days (injected clock)", async () => {
    await inviteUser(t.ctx, mail, { email: "late@example.com", role: "viewer" });
    const token = await linkTokenFor("late@example.com");
    t.clock.advance(INVITATION_TTL_MS - 60_000);
    expect((await lookUpInvitation(t.db, token, t.clock.now())).ok).toBe(true);
    t.clock.advance(60_000);
    expect(await lookUpInvitation(t.db, token, t.clock.now())).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/expired/),
    });
    await expect(acceptInvitation(t.db, t.clock.now(), { token, name: "Late", password: PASSWORD })).rejects.toThrow(
      /expired/,
    );
    expect((await listOpenInvitations(t.db, t.clock.now())).map((i) => [i.email, i.state])).toEqual([
      ["late@example.com", "expired"],
    ]);

    // Resending gives a new link and a new week; the old link stays dead.
    const again = await resendInvitation(t.ctx, mail, {
      invitationId: (await listOpenInvitations(t.db, t.clock.now()))[0].id,
    });
    expect(again.invitation.state).toBe("open");
    const fresh = await linkTokenFor("late@example.com");
    expect(fresh).not.toBe(token);
    expect((await lookUpInvitation(t.db, token, t.clock.now())).ok).toBe(false);
    expect((await lookUpInvitation(t.db, fresh, t.clock.now())).ok).toBe(true);
  });

  it("a revoked link is refused and cannot be revoked twice", async () => {
    const sent = await inviteUser(t.ctx, mail, { email: "gone@example.com", role: "editor" });
    const token = await linkTokenFor("gone@example.com");
    await revokeInvitation(t.ctx, { invitationId: sent.invitation.id });
    expect(await lookUpInvitation(t.db, token, t.clock.now())).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/withdrawn/),
    });
    await expect(acceptInvitation(t.db, t.clock.now(), { token, name: "Gone", password: PASSWORD })).rejects.toThrow(
      /withdrawn/,
    );
    await expect(revokeInvitation(t.ctx, { invitationId: sent.invitation.id })).rejects.toThrow(NotFoundError);
    expect(await t.db.select().from(user).where(eq(user.email, "gone@example.com"))).toHaveLength(0);
  });

  it("roles: editors can't invite, admins can't invite admins, nobody invites an owner or a user", async () => {
    await expect(inviteUser(t.as("editor"), mail, { email: "x@example.com", role: "viewer" })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(inviteUser(t.as("admin"), mail, { email: "x@example.com", role: "admin" })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(inviteUser(t.ctx, mail, { email: "x@example.com", role: "owner" as "admin" })).rejects.toThrow(
      ValidationError,
    );
    await expect(inviteUser(t.ctx, mail, { email: "ed@example.com", role: "viewer" })).rejects.toThrow(ConflictError);
    expect(await t.db.select().from(invitation).where(eq(invitation.email, "x@example.com"))).toHaveLength(0);
  });

  it("a made-up or oversized token changes nothing", async () => {
    expect((await lookUpInvitation(t.db, "A".repeat(43), t.clock.now())).ok).toBe(false);
    expect((await lookUpInvitation(t.db, "A".repeat(10_000), t.clock.now())).ok).toBe(false);
    await expect(
      acceptInvitation(t.db, t.clock.now(), { token: "A".repeat(43), name: "X", password: PASSWORD }),
    ).rejects.toThrow(ValidationError);
  });
});
