import type { Db } from "../../db/client";
import { CLI_ACTOR, type Ctx } from "../../lib/context";
import { createComponent, createGroup } from "../../lib/components/components";
import { createIncident, postIncidentUpdate } from "../../lib/incidents/incidents";
import { ensurePage, updatePage } from "../../lib/page/page";

/** A CLI-style context on the server's database: the same use cases the console runs. */
export function cliCtx(db: Db, now: () => Date = () => new Date()): Ctx {
  return { db, now, actor: CLI_ACTOR };
}

/** A realistic small page: ungrouped and grouped components, a hidden one, one resolved incident. */
export async function seedStatusPage(db: Db) {
  const ctx = cliCtx(db);
  await ensurePage(db, new Date());
  await updatePage(ctx, { name: "Acme Cloud", supportUrl: "https://support.example.com", timeZone: "Europe/Berlin" });
  const website = await createComponent(ctx, {
    name: "Website",
    description: "www.acme.example and the marketing pages",
  });
  const api = await createComponent(ctx, { name: "REST API", description: "api.acme.example, all versions" });
  const dashboard = await createComponent(ctx, { name: "Dashboard" });
  const eu = await createComponent(ctx, { name: "EU West (Frankfurt)" });
  const us = await createComponent(ctx, { name: "US East (Virginia)" });
  const ap = await createComponent(ctx, { name: "Asia Pacific (Singapore)" });
  await createGroup(ctx, {
    name: "Compute regions",
    description: "Virtual machines and containers",
    componentIds: [eu.id, us.id, ap.id],
  });
  const secret = await createComponent(ctx, { name: "Internal billing sync", hidden: true });
  const past = await createIncident(ctx, {
    name: "Elevated error rates on the dashboard",
    status: "investigating",
    body: "We are investigating **elevated error rates** when loading the dashboard.",
    components: { [dashboard.id]: "degraded_performance" },
  });
  await postIncidentUpdate(ctx, {
    incidentId: past.incident.id,
    status: "identified",
    body: "A faulty deploy was identified and is being rolled back.",
  });
  await postIncidentUpdate(ctx, {
    incidentId: past.incident.id,
    status: "resolved",
    body: "The rollback is complete and error rates are back to normal.",
  });
  return { ctx, website, api, dashboard, eu, us, ap, secret, resolvedIncident: past.incident };
}
