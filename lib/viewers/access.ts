// Who may read the public surfaces, decided without the database (issue 13).
// The model is read once per content version (every change to audiences,
// members, tokens or sign-in settings bumps it), so each request costs a
// signature check and a few map lookups: no DB read on the hot path.
import { BlockList, isIP } from "node:net";
import { and, eq, isNull } from "drizzle-orm";
import type { Tx } from "@/db/client";
import type { PageVisibility } from "@/db/constants";
import { audience, audienceMember, viewerSettings, viewerToken, type ViewerSettings } from "@/db/schema";
import { sha256 } from "../ids";
import { readViewerSession } from "./session";
import { audienceKey } from "./view-header";

export const DEFAULT_VIEWER_SETTINGS: Omit<ViewerSettings, "pageId" | "updatedAt"> = {
  visibility: "public",
  magicLinkEnabled: false,
  allowedDomains: "",
  passwordHash: null,
  ipAllowList: "",
  sessionEpoch: 1,
  oidcIssuer: null,
  oidcClientId: null,
  oidcClientSecret: null,
};

/** The page's viewer settings (defaults when never saved: a public page, no sign-in). */
export async function loadViewerSettings(db: Tx, pageId: string): Promise<Omit<ViewerSettings, "updatedAt">> {
  const row = await db.select().from(viewerSettings).where(eq(viewerSettings.pageId, pageId)).get();
  return row ?? { pageId, ...DEFAULT_VIEWER_SETTINGS };
}

/** Lines of a textarea setting: trimmed, lower-cased, no blanks. */
export function settingLines(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((l) => l.trim().toLowerCase())
    .filter(Boolean);
}

/** A CIDR list ("10.0.0.0/8", "2001:db8::/32", a bare address); throws on a malformed entry. */
export function parseCidrs(lines: readonly string[]): BlockList {
  const list = new BlockList();
  for (const part of lines) {
    const [addr, bits, extra] = part.split("/");
    const family = isIP(addr);
    const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
    if (
      !family ||
      extra !== undefined ||
      !/^\d+$/.test(bits ?? "0") ||
      prefix < 0 ||
      prefix > (family === 6 ? 128 : 32)
    )
      throw new Error(`"${part}" is not an address or CIDR range`);
    list.addSubnet(addr, prefix, family === 6 ? "ipv6" : "ipv4");
  }
  return list;
}

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1);
}

export interface ViewerAccess {
  pageId: string;
  visibility: PageVisibility;
  sessionEpoch: number;
  magicLinkEnabled: boolean;
  hasPassword: boolean;
  /** Audience ids of the page. */
  audiences: ReadonlySet<string>;
  /** The audience key of an email (its own and its domain's memberships); null when the address may not sign in. */
  keyOf(email: string): string | null;
  /** The email a live viewer token belongs to, by the token's SHA-256. */
  tokenEmail(hash: string): string | null;
  ipAllowed(ip: string): boolean;
  hasIpAllowList: boolean;
}

export async function loadViewerAccess(db: Tx, pageId: string): Promise<ViewerAccess> {
  const settings = await loadViewerSettings(db, pageId);
  const members = await db
    .select({ audienceId: audienceMember.audienceId, email: audienceMember.email })
    .from(audienceMember)
    .innerJoin(audience, eq(audience.id, audienceMember.audienceId))
    .where(eq(audience.pageId, pageId));
  const ids = new Set(
    (await db.select({ id: audience.id }).from(audience).where(eq(audience.pageId, pageId))).map((r) => r.id),
  );
  const tokens = new Map(
    (
      await db
        .select({ hash: viewerToken.tokenHash, email: viewerToken.email })
        .from(viewerToken)
        .where(and(eq(viewerToken.pageId, pageId), isNull(viewerToken.revokedAt)))
    ).map((t) => [t.hash, t.email]),
  );
  const byEmail = new Map<string, string[]>();
  for (const m of members) {
    let list = byEmail.get(m.email);
    if (!list) byEmail.set(m.email, (list = []));
    list.push(m.audienceId);
  }
  const domains = new Set(settingLines(settings.allowedDomains).map((d) => d.replace(/^@/, "")));
  const ipLines = settingLines(settings.ipAllowList);
  let ipList: BlockList | null = null;
  try {
    ipList = ipLines.length ? parseCidrs(ipLines) : null;
  } catch {
    ipList = null; // validated on save; a bad stored value admits nobody
  }
  const keys = new Map<string, string | null>();
  return {
    pageId,
    visibility: settings.visibility,
    sessionEpoch: settings.sessionEpoch,
    magicLinkEnabled: settings.magicLinkEnabled,
    hasPassword: settings.passwordHash !== null,
    audiences: ids,
    keyOf(email) {
      const e = email.toLowerCase();
      let k = keys.get(e);
      if (k === undefined) {
        const domain = emailDomain(e);
        const own = [...(byEmail.get(e) ?? []), ...(byEmail.get(`@${domain}`) ?? [])];
        k = own.length || domains.has(domain) ? audienceKey(own) : null;
        if (keys.size < 50_000) keys.set(e, k);
      }
      return k;
    },
    tokenEmail: (hash) => tokens.get(hash) ?? null,
    ipAllowed: (ip) => (ipList ? ipList.check(ip, isIP(ip) === 6 ? "ipv6" : "ipv4") : false),
    hasIpAllowList: ipList !== null,
  };
}

/** Whether the page shows nothing to strangers (its readers sign in). */
export async function isPrivatePage(db: Tx, pageId: string): Promise<boolean> {
  return (await loadViewerSettings(db, pageId)).visibility !== "public";
}

/** Whether an address may read the page: anyone on a public page; on a private one, members and allowed domains. */
export async function mayReadPage(db: Tx, pageId: string, email: string): Promise<boolean> {
  if (!(await isPrivatePage(db, pageId))) return true;
  return (await loadViewerAccess(db, pageId)).keyOf(email) !== null;
}

/** What a request may read: a view (its audience key, and whether it is signed in), or nothing (a private page). */
export type AccessDecision =
  | { kind: "view"; key: string; signedIn: boolean }
  | { kind: "denied"; reason: "sign_in" | "bad_token" };

export interface AccessRequest {
  cookie: string | undefined;
  /** The ?token= of a machine surface, or null. */
  token: string | null;
  /** The client address (computed only when an allow-list needs it). */
  ip: () => string;
}

export function decideAccess(access: ViewerAccess, req: AccessRequest, secret: string, now: number): AccessDecision {
  if (req.token !== null) {
    const email = req.token.length <= 128 ? access.tokenEmail(sha256(req.token)) : null;
    const key = email === null ? null : access.keyOf(email);
    return key === null ? { kind: "denied", reason: "bad_token" } : { kind: "view", key, signedIn: true };
  }
  const s = req.cookie ? readViewerSession(req.cookie, secret, now) : null;
  if (s && s.epoch === access.sessionEpoch) {
    const subject = s.subject;
    if (subject.kind === "email") {
      const key = access.keyOf(subject.email);
      if (key !== null) return { kind: "view", key, signedIn: true };
    } else if (subject.kind === "preview") {
      if (access.audiences.has(subject.audienceId)) return { kind: "view", key: subject.audienceId, signedIn: true };
    } else if (access.hasPassword) return { kind: "view", key: "", signedIn: true };
  }
  if (access.visibility === "public") return { kind: "view", key: "", signedIn: false };
  if (access.hasIpAllowList && access.ipAllowed(req.ip())) return { kind: "view", key: "", signedIn: true };
  return { kind: "denied", reason: "sign_in" };
}
