import { requireUser } from "@/app/_server/auth";

export default async function ConsoleHome() {
  const { user } = await requireUser();
  return <h1 className="text-xl font-semibold">Hello {user.name}</h1>;
}
