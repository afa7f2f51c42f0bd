import { notFound } from "next/navigation";
import { hasOwner } from "@/lib/users/users";
import { getDb } from "@/lib/runtime";
import { SetupForm } from "./setup-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Set up Herald" };

export default async function SetupPage() {
  // Once an owner exists this route is gone for good.
  if (await hasOwner(getDb())) notFound();
  return (
    <main className="mx-auto max-w-md px-6 py-16">
      <h1 className="text-2xl font-semibold">Welcome to Herald</h1>
      <p className="mt-2 text-sm text-zinc-600 dark:text-zinc-400">
        Create the owner account. You can invite your team afterwards.
      </p>
      <SetupForm />
    </main>
  );
}
