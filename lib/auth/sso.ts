// Staff single sign-on through one generic OIDC provider (better-auth's
// generic-oauth plugin does the protocol: discovery, PKCE, state, ID-token
// checks). What is ours is the policy, applied in better-auth's database
// hooks so it holds whatever endpoint creates the rows:
//   - only addresses at a listed domain get in through SSO;
//   - a first sign-in creates the account only with just-in-time creation on
//     or an open invitation for that address; the role is the invitation's,
//     else the domain's.
// Viewers of private pages sign in through their own OIDC client
// (lib/viewers/oidc.ts): a viewer is not an account (see CONTRIBUTING.md).
import { eq } from "drizzle-orm";
import type { BetterAuthOptions } from "better-auth";
import { genericOAuth } from "better-auth/plugins";
import type { Db } from "@/db/client";
import { user, type User } from "@/db/schema";
import { audit } from "../audit";
import type { Ctx } from "../context";
import { markAccepted, openInvitationFor } from "../users/invitations";
import { userDto } from "../users/users";
import { getAuthSettings, ssoDomainOf, type OidcConfig } from "./policy";

export const OIDC_PROVIDER_ID = "oidc";
/** better-auth's OAuth callback route, GET /api/auth/callback/:id. */
const CALLBACK_PATH = "/callback/";

function viaSso(ctx: { path?: string } | null | undefined): boolean {
  return !!ctx?.path?.startsWith(CALLBACK_PATH);
}

export function oidcPlugin(oidc: OidcConfig) {
  return genericOAuth({
    config: [
      {
        providerId: OIDC_PROVIDER_ID,
        name: "Single sign-on",
        discoveryUrl: `${oidc.issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`,
        clientId: oidc.clientId,
        clientSecret: oidc.clientSecret,
        scopes: ["openid", "email", "profile"],
        pkce: true,
        requireIdTokenVerification: true,
      },
    ],
  });
}

/** better-auth's databaseHooks carrying the SSO policy. `now` is the clock for invitation expiry. */
export function ssoDatabaseHooks(db: Db, now: () => Date): NonNullable<BetterAuthOptions["databaseHooks"]> {
  return {
    user: {
      create: {
        before: async (data, ctx) => {
          if (!viaSso(ctx)) return;
          const email = String(data.email ?? "").toLowerCase();
          const settings = await getAuthSettings(db);
          const domain = ssoDomainOf(settings, email);
          if (!domain) return false;
          const inv = await openInvitationFor(db, email, now());
          if (!inv && !settings.oidcJit) return false;
          return { data: { ...data, email, role: inv?.role ?? domain.role } };
        },
        after: async (created, ctx) => {
          if (!viaSso(ctx)) return;
          const row = await db.query.user.findFirst({ where: eq(user.id, created.id) });
          if (!row) return;
          const at = now();
          await db.transaction(async (tx) => {
            const inv = await openInvitationFor(tx, row.email, at);
            if (inv) return markAccepted(tx, inv.id, row, at);
            await audit(tx, actingAs(db, row, at), {
              pageId: null,
              action: "user.sso_create",
              entityType: "user",
              entityId: row.id,
              after: userDto(row),
            });
          });
        },
      },
    },
    account: {
      create: {
        // Linking an existing account to the provider: the same domain rule.
        before: async (data) => {
          if (data.providerId !== OIDC_PROVIDER_ID) return;
          return (await ssoAllowedFor(db, String(data.userId))) ? undefined : false;
        },
      },
    },
    session: {
      create: {
        // Every SSO sign-in, not only the first: a domain taken off the list is refused from then on.
        before: async (data, ctx) => {
          if (!viaSso(ctx)) return;
          return (await ssoAllowedFor(db, String(data.userId))) ? undefined : false;
        },
      },
    },
  };
}

async function ssoAllowedFor(db: Db, userId: string): Promise<boolean> {
  const row = await db.query.user.findFirst({ where: eq(user.id, userId), columns: { email: true } });
  return !!row && !!ssoDomainOf(await getAuthSettings(db), row.email);
}

function actingAs(db: Db, u: User, at: Date): Ctx {
  return { db, now: () => at, actor: { type: "user", id: u.id, label: u.email, role: u.role } };
}
