"use server";
import { requireUser } from "@/app/_server/auth";
import { runAction, str, type ActionState } from "@/app/_server/actions";
import { getDb } from "@/lib/runtime";
import {
  inviteUser,
  resendInvitation,
  revokeInvitation,
  type InviteUserInput,
  type SentInvitation,
} from "@/lib/users/invitations";
import { staffMailFromEnv } from "@/lib/users/staff-mail";
import { changeUserRole, createUser, removeUser, type CreateUserInput } from "@/lib/users/users";
import { refreshAfterWrite } from "../form-data";

export async function createUserAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    const created = await createUser(ctx, {
      name: str(fd, "name") ?? "",
      email: str(fd, "email") ?? "",
      password: str(fd, "password") ?? "",
      // Validated against the role list by the use case.
      role: (str(fd, "role") ?? "") as CreateUserInput["role"],
    });
    refreshAfterWrite();
    return { ok: true, message: `${created.email} can now sign in.` };
  });
}

export async function changeRoleAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await changeUserRole(ctx, { userId: str(fd, "userId") ?? "", role: str(fd, "role") ?? "" });
    refreshAfterWrite();
    return { ok: true, message: "Role changed. Their sessions were signed out." };
  });
}

export async function removeUserAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await removeUser(ctx, { userId: str(fd, "userId") ?? "" });
    refreshAfterWrite();
    return { ok: true, message: "User removed." };
  });
}

function sentMessage(sent: SentInvitation, outbox: boolean): ActionState {
  const to = sent.invitation.email;
  if (!sent.emailed)
    return { error: `The invitation for ${to} is saved but the email could not be sent. Try “Resend” in a moment.` };
  return {
    ok: true,
    message: outbox
      ? `Invitation for ${to} created. No email provider is set up: the email is in the Outbox.`
      : `Invitation emailed to ${to}.`,
  };
}

export async function inviteUserAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    const mail = staffMailFromEnv(getDb());
    // Validated against the role list by the use case.
    const sent = await inviteUser(ctx, mail, {
      email: str(fd, "email") ?? "",
      role: (str(fd, "role") ?? "") as InviteUserInput["role"],
    });
    refreshAfterWrite();
    return sentMessage(sent, mail.mailer.name === "outbox");
  });
}

export async function resendInvitationAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    const mail = staffMailFromEnv(getDb());
    const sent = await resendInvitation(ctx, mail, { invitationId: str(fd, "invitationId") ?? "" });
    refreshAfterWrite();
    return sentMessage(sent, mail.mailer.name === "outbox");
  });
}

export async function revokeInvitationAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await revokeInvitation(ctx, { invitationId: str(fd, "invitationId") ?? "" });
    refreshAfterWrite();
    return { ok: true, message: "Invitation withdrawn: its link no longer works." };
  });
}
