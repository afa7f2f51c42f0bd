// Staff invitations: an owner or admin invites an address with a role; the
// emailed link works once, for 7 days, and not after it was revoked. Only a
// hash of the link's token is stored. Inviting an address again (or
// "resend") gives the open invitation a new token and a new week: the old
// link stops working.
import { and, asc, eq, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db, Tx } from "@/db/client";
import { invitation, user, type Invitation, type Page, type User } from "@/db/schema";
import { audit } from "../audit";
import { parseInput, requireRole, type Ctx } from "../context";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../errors";
import { newId, newToken, sha256 } from "../ids";
import { getPage } from "../page/page";
import { STAFF_ROLES } from "../auth/policy";
import { sendStaffEmail, type StaffMail } from "./staff-mail";
import { Email, insertUser, Password, PersonName, userDto } from "./users";

export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export const InviteUserInput = z.strictObject({ email: Email, role: z.enum(STAFF_ROLES) });
export type InviteUserInput = z.input<typeof InviteUserInput>;

export const AcceptInvitationInput = z.strictObject({
  token: z.string().min(20).max(100),
  name: PersonName,
  password: Password,
});
export type AcceptInvitationInput = z.input<typeof AcceptInvitationInput>;

export type InvitationState = "open" | "expired" | "accepted" | "revoked";

export function invitationState(
  inv: Pick<Invitation, "acceptedAt" | "revokedAt" | "expiresAt">,
  now: Date,
): InvitationState {
  if (inv.acceptedAt) return "accepted";
  if (inv.revokedAt) return "revoked";
  return inv.expiresAt.getTime() <= now.getTime() ? "expired" : "open";
}

export function invitationDto(inv: Invitation, now: Date) {
  return {
    id: inv.id,
    email: inv.email,
    role: inv.role,
    sentAt: inv.sentAt,
    expiresAt: inv.expiresAt,
    state: invitationState(inv, now),
  };
}
export type InvitationDto = ReturnType<typeof invitationDto>;

/** Invitations not yet accepted or revoked (expired ones included, so they can be resent). */
export async function listOpenInvitations(db: Tx, now: Date): Promise<InvitationDto[]> {
  const rows = await db
    .select()
    .from(invitation)
    .where(and(isNull(invitation.acceptedAt), isNull(invitation.revokedAt)))
    .orderBy(asc(invitation.createdAt));
  return rows.map((r) => invitationDto(r, now));
}

/** Same rule as creating a user: admins invite editors and viewers; only the owner invites admins. */
function checkCanInvite(ctx: Ctx, role: Invitation["role"]) {
  requireRole(ctx.actor, "admin");
  if (role === "admin" && ctx.actor.role !== "owner") throw new ForbiddenError("Only the owner can invite admins");
}

export interface SentInvitation {
  invitation: InvitationDto;
  /** False when the transport did not take the email: the invitation stands and can be resent. */
  emailed: boolean;
}

async function sendInvitation(ctx: Ctx, mail: StaffMail, page: Page, inv: Invitation, token: string): Promise<boolean> {
  const outcome = await sendStaffEmail(
    mail,
    page,
    {
      kind: "invitation",
      to: inv.email,
      url: `${mail.consoleUrl}/admin/invite?token=${token}`,
      role: inv.role,
      invitedBy: ctx.actor.label,
      expiresAt: inv.expiresAt,
    },
    `invitation:${inv.id}:${sha256(token).slice(0, 16)}`,
  );
  if (outcome.kind !== "accepted")
    console.error(`[herald] invitation email to ${inv.id} not sent: ${outcome.kind}: ${outcome.error}`);
  return outcome.kind === "accepted";
}

/** Invites an address (or renews its open invitation) and emails the link. */
export async function inviteUser(ctx: Ctx, mail: StaffMail, input: InviteUserInput): Promise<SentInvitation> {
  const data = parseInput(InviteUserInput, input);
  checkCanInvite(ctx, data.role);
  const token = newToken();
  const now = ctx.now();
  const inv = await ctx.db.transaction(async (tx) => {
    if (await tx.query.user.findFirst({ where: eq(user.email, data.email), columns: { id: true } }))
      throw new ConflictError("A user with that email already exists");
    const open = await tx.query.invitation.findFirst({
      where: and(eq(invitation.email, data.email), isNull(invitation.acceptedAt), isNull(invitation.revokedAt)),
    });
    if (open) checkCanInvite(ctx, open.role);
    const values = {
      role: data.role,
      tokenHash: sha256(token),
      invitedByUserId: ctx.actor.id,
      sentAt: now,
      expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
    };
    const id = open?.id ?? newId(16);
    if (open) await tx.update(invitation).set(values).where(eq(invitation.id, id));
    else await tx.insert(invitation).values({ id, email: data.email, createdAt: now, ...values });
    const row = (await tx.query.invitation.findFirst({ where: eq(invitation.id, id) }))!;
    await audit(tx, ctx, {
      pageId: null,
      action: open ? "user.reinvite" : "user.invite",
      entityType: "invitation",
      entityId: id,
      after: invitationDto(row, now),
    });
    return row;
  });
  const emailed = await sendInvitation(ctx, mail, await getPage(ctx.db), inv, token);
  return { invitation: invitationDto(inv, now), emailed };
}

async function getOpenInvitationOrThrow(tx: Tx, id: string): Promise<Invitation> {
  const row = await tx.query.invitation.findFirst({ where: eq(invitation.id, id) });
  if (!row || row.acceptedAt || row.revokedAt) throw new NotFoundError("Invitation");
  return row;
}

/** A new link and a new week for an open (or expired) invitation; the old link stops working. */
export async function resendInvitation(
  ctx: Ctx,
  mail: StaffMail,
  input: { invitationId: string },
): Promise<SentInvitation> {
  const data = parseInput(z.strictObject({ invitationId: z.string().min(1).max(64) }), input);
  const token = newToken();
  const now = ctx.now();
  const inv = await ctx.db.transaction(async (tx) => {
    const open = await getOpenInvitationOrThrow(tx, data.invitationId);
    checkCanInvite(ctx, open.role);
    await tx
      .update(invitation)
      .set({ tokenHash: sha256(token), sentAt: now, expiresAt: new Date(now.getTime() + INVITATION_TTL_MS) })
      .where(eq(invitation.id, open.id));
    const row = (await tx.query.invitation.findFirst({ where: eq(invitation.id, open.id) }))!;
    await audit(tx, ctx, {
      pageId: null,
      action: "user.reinvite",
      entityType: "invitation",
      entityId: open.id,
      after: invitationDto(row, now),
    });
    return row;
  });
  const emailed = await sendInvitation(ctx, mail, await getPage(ctx.db), inv, token);
  return { invitation: invitationDto(inv, now), emailed };
}

export async function revokeInvitation(ctx: Ctx, input: { invitationId: string }): Promise<void> {
  const data = parseInput(z.strictObject({ invitationId: z.string().min(1).max(64) }), input);
  await ctx.db.transaction(async (tx) => {
    const open = await getOpenInvitationOrThrow(tx, data.invitationId);
    checkCanInvite(ctx, open.role);
    await tx.update(invitation).set({ revokedAt: ctx.now() }).where(eq(invitation.id, open.id));
    await audit(tx, ctx, {
      pageId: null,
      action: "user.revoke_invitation",
      entityType: "invitation",
      entityId: open.id,
      before: invitationDto(open, ctx.now()),
    });
  });
}

const INVALID_LINK: Record<Exclude<InvitationState, "open">, string> = {
  expired: "This invitation has expired. Ask for a new one.",
  accepted: "This invitation was already used. Sign in instead.",
  revoked: "This invitation was withdrawn.",
};

/** What the invitation page shows for a link: the address and role, or why the link does not work. */
export async function lookUpInvitation(
  db: Tx,
  token: string,
  now: Date,
): Promise<{ ok: true; email: string; role: Invitation["role"] } | { ok: false; reason: string }> {
  const row =
    token.length <= 100
      ? await db.query.invitation.findFirst({ where: eq(invitation.tokenHash, sha256(token)) })
      : undefined;
  if (!row)
    return { ok: false, reason: "This invitation link is not valid. It may have been replaced by a newer one." };
  const state = invitationState(row, now);
  return state === "open" ? { ok: true, email: row.email, role: row.role } : { ok: false, reason: INVALID_LINK[state] };
}

/**
 * The invitee sets a name and password: the account is created with the
 * invited role and the invitation is used up, in one transaction (a second
 * use of the same link finds it accepted and changes nothing).
 */
export async function acceptInvitation(db: Db, now: Date, input: AcceptInvitationInput): Promise<User> {
  const data = parseInput(AcceptInvitationInput, input);
  return db.transaction(async (tx) => {
    const row = await tx.query.invitation.findFirst({ where: eq(invitation.tokenHash, sha256(data.token)) });
    const state = row ? invitationState(row, now) : null;
    if (!row || state !== "open")
      throw new ValidationError(
        state ? INVALID_LINK[state as Exclude<InvitationState, "open">] : "This invitation link is not valid.",
        { token: ["Invalid link"] },
      );
    const created = await insertUser(
      tx,
      { name: data.name, email: row.email, password: data.password, role: row.role },
      now,
    );
    await markAccepted(tx, row.id, created, now);
    return created;
  });
}

/** Uses up an invitation for the account just created from it (by password or by SSO), audited as the new user. */
export async function markAccepted(tx: Tx, invitationId: string, created: User, now: Date): Promise<void> {
  const done = await tx
    .update(invitation)
    .set({ acceptedAt: now, acceptedUserId: created.id })
    .where(and(eq(invitation.id, invitationId), isNull(invitation.acceptedAt), isNull(invitation.revokedAt)))
    .returning({ id: invitation.id });
  if (!done.length) throw new ConflictError("This invitation was already used");
  const ctx: Ctx = {
    db: tx as Db,
    now: () => now,
    actor: { type: "user", id: created.id, label: created.email, role: created.role },
  };
  await audit(tx, ctx, {
    pageId: null,
    action: "user.accept_invitation",
    entityType: "user",
    entityId: created.id,
    after: userDto(created),
  });
}

/** The open, unexpired invitation for an address, if any (SSO's first sign-in takes its role). */
export async function openInvitationFor(db: Tx, email: string, now: Date): Promise<Invitation | undefined> {
  const row = await db.query.invitation.findFirst({
    where: and(eq(invitation.email, email.toLowerCase()), isNull(invitation.acceptedAt), isNull(invitation.revokedAt)),
  });
  return row && invitationState(row, now) === "open" ? row : undefined;
}
