import { redirect } from "next/navigation";
import { getSessionUser } from "@/app/_server/auth";
import { getDb } from "@/lib/runtime";
import { hasOwner } from "@/lib/users/users";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in · Herald" };

export default async function LoginPage() {
  if (!(await hasOwner(getDb()))) redirect("/admin/setup");
  if (await getSessionUser()) redirect("/admin");
  return (
    <main className="mx-auto max-w-sm px-6 py-16">
      <h1 className="text-2xl font-semibold">Sign in to Herald</h1>
      <LoginForm />
    </main>
  );
}
