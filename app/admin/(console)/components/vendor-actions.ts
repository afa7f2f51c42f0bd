"use server";
import { bool, runAction, str, type ActionState } from "@/app/_server/actions";
import { requireUser } from "@/app/_server/auth";
import type { VendorKind } from "@/db/constants";
import { removeComponentVendor, setComponentVendor, setVendorFollowing } from "@/lib/vendors/vendors";
import { refreshAfterWrite } from "../form-data";

export async function setVendorAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await setComponentVendor(ctx, {
      componentId: str(fd, "componentId") ?? "",
      // Checked against VENDOR_KINDS by the use case.
      kind: (str(fd, "kind") ?? "") as VendorKind,
      url: str(fd, "url") ?? "",
      vendorComponentId: str(fd, "vendorComponentId") ?? null,
    });
    refreshAfterWrite();
    return { ok: true, message: "Saved. The first poll runs within a minute." };
  });
}

export async function removeVendorAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await removeComponentVendor(ctx, { componentId: str(fd, "componentId") ?? "" });
    refreshAfterWrite();
    return { ok: true, message: "No longer follows a vendor." };
  });
}

/** Override (stop mirroring, staff set the status) or resume following. */
export async function vendorFollowingAction(_prev: ActionState, fd: FormData): Promise<ActionState> {
  const { ctx } = await requireUser();
  return runAction(async () => {
    await setVendorFollowing(ctx, { componentId: str(fd, "componentId") ?? "", following: bool(fd, "following") });
    refreshAfterWrite();
  });
}
