import type { Db } from "../../db/client";
import { setupOwner } from "../../lib/users/users";
import type { RunningServer } from "./server";

export const OWNER = { name: "Olivia Owner", email: "owner@example.com", password: "correct horse battery" };

/**
 * The owner account on a fresh server and a signed-in session, through the
 * real sign-in route: `get(path)` fetches a console page as that owner.
 */
export async function consoleSession(server: RunningServer) {
  await setupOwner(server.db as Db, new Date(), OWNER);
  const res = await fetch(`${server.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url },
    body: JSON.stringify({ email: OWNER.email, password: OWNER.password }),
  });
  if (!res.ok) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return {
    cookie,
    get: async (path: string) => {
      const r = await fetch(`${server.url}${path}`, { headers: { cookie }, redirect: "manual" });
      return { status: r.status, html: await r.text() };
    },
  };
}
