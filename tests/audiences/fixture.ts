// The audience fixture shared by the leak matrix and the sign-in tests: a
// public component and incident, an "Enterprise customers" component and
// incident (and an internal note) restricted to that audience, and a second
// audience ("Acme Corp") that must see none of it.
import type { Db } from "../../db/client";
import { addAudienceNote, addMembers, createAudience, setRestriction } from "../../lib/audiences/audiences";
import { createComponent, createGroup } from "../../lib/components/components";
import { createIncident } from "../../lib/incidents/incidents";
import { createMaintenance } from "../../lib/maintenance/maintenance";
import { ensurePage, updatePage } from "../../lib/page/page";
import { signViewerSession, VIEWER_COOKIE } from "../../lib/viewers/session";
import { createViewerToken } from "../../lib/viewers/settings";
import { cliCtx } from "../public/seed";

export const SECRET = "audience-test-secret-0123456789abcdef0123456789";

/** Strings only the Enterprise view may contain. */
export const RESTRICTED = {
  component: "Enterprise Gateway",
  incident: "Enterprise shard failover",
  note: "NOTE-FOR-ENTERPRISE-ONLY",
  group: "Dedicated regions",
  grouped: "Frankfurt dedicated",
  maintenance: "Enterprise cluster upgrade",
};

/** A public incident that also affected a restricted component. */
export const MIXED_INCIDENT = "Sign-in errors";

export async function seedAudiences(db: Db) {
  const ctx = cliCtx(db);
  await ensurePage(db, new Date());
  await updatePage(ctx, { name: "Acme Cloud" });
  const enterprise = await createAudience(ctx, { name: "Enterprise customers" });
  const acme = await createAudience(ctx, { name: "Acme Corp" });
  await addMembers(ctx, { audienceId: enterprise.id, emails: ["boss@bigco.example", "@bigcorp.example"] });
  await addMembers(ctx, { audienceId: acme.id, emails: ["ops@acme.example"] });
  const api = await createComponent(ctx, { name: "Public API" });
  const gateway = await createComponent(ctx, { name: RESTRICTED.component });
  await setRestriction(ctx, { entityType: "component", entityId: gateway.id, audienceIds: [enterprise.id] });
  // A whole group restricted: its members go with it.
  const group = await createGroup(ctx, { name: RESTRICTED.group });
  const grouped = await createComponent(ctx, { name: RESTRICTED.grouped, groupId: group.id });
  await setRestriction(ctx, { entityType: "group", entityId: group.id, audienceIds: [enterprise.id] });
  const pub = await createIncident(ctx, {
    name: "Public API slowness",
    body: "We are looking into slow responses.",
    components: { [api.id]: "degraded_performance" },
  });
  await addAudienceNote(ctx, {
    updateId: pub.update.id,
    body: `${RESTRICTED.note}: your dedicated shard is fine.`,
    audienceIds: [enterprise.id],
  });
  // Public, but it also took the restricted gateway down: its impact is "minor" for anyone who may not see the
  // gateway, "critical" for Enterprise (the impact leak: it used to be computed from every component).
  const mixed = await createIncident(ctx, {
    name: MIXED_INCIDENT,
    body: "Some sign-ins fail.",
    components: { [api.id]: "degraded_performance", [gateway.id]: "major_outage" },
  });
  const secret = await createIncident(ctx, {
    audienceIds: [enterprise.id],
    name: RESTRICTED.incident,
    body: "Failing over the enterprise shard.",
    components: { [gateway.id]: "major_outage", [grouped.id]: "major_outage" },
  });
  const soon = Date.now() + 86_400_000;
  const upgrade = await createMaintenance(ctx, {
    name: RESTRICTED.maintenance,
    body: "Upgrading the dedicated cluster.",
    componentIds: [gateway.id],
    scheduledFor: new Date(soon),
    scheduledUntil: new Date(soon + 3_600_000),
  });
  await setRestriction(ctx, { entityType: "incident", entityId: upgrade.maintenance.id, audienceIds: [enterprise.id] });
  const tokens = {
    own: (await createViewerToken(ctx, { email: "boss@bigco.example" })).token,
    other: (await createViewerToken(ctx, { email: "ops@acme.example" })).token,
  };
  return {
    ctx,
    enterprise,
    acme,
    api,
    gateway,
    group,
    grouped,
    publicIncident: pub.incident,
    mixedIncident: mixed.incident,
    secretIncident: secret.incident,
    tokens,
  };
}

/** A signed viewer cookie as the sign-in routes set it. */
export function viewerCookieFor(email: string, epoch = 1): string {
  const session = { subject: { kind: "email" as const, email }, epoch, exp: Date.now() + 3_600_000 };
  return `${VIEWER_COOKIE}=${signViewerSession(session, SECRET)}`;
}
