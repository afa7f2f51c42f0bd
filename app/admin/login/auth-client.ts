import { createAuthClient } from "better-auth/react";
import { twoFactorClient } from "better-auth/client/plugins";

// Sign-in, second factor, SSO and password reset go through better-auth's own
// endpoints from the browser, so its per-address limiter applies to them.
export const authClient = createAuthClient({ plugins: [twoFactorClient()] });

/** Starts single sign-on: the browser leaves for the identity provider and comes back to `next`. */
export async function startSso(next = "/admin"): Promise<string | null> {
  const { error } = await authClient.signIn.social({
    provider: "oidc",
    callbackURL: next,
    errorCallbackURL: "/admin/login",
  });
  return error ? "Single sign-on is not available right now." : null;
}
