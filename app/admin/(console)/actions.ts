"use server";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getAuth } from "@/app/_server/auth";

export async function signOutAction() {
  await (await getAuth()).api.signOut({ headers: await headers() });
  redirect("/admin/login");
}
