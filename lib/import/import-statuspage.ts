import { requireRole, type Ctx } from "../context";
import { importBundle, PLAN_ENTITIES, type ImportPlan } from "./apply";
import { jsonReader, type HttpGet } from "./http";
import { readStatuspageV1, readStatuspageV2 } from "./statuspage/read";

export type StatuspageSource =
  | { kind: "v2"; url: string }
  | { kind: "v1"; apiKey: string; pageId: string; apiUrl?: string };

export interface ImportDeps {
  /** The SSRF-safe fetch (lib/net/fetch.ts safeFetch) in Herald; a test's own in tests. */
  fetch: HttpGet;
  /** HERALD_SECRET: imported subscribers get manage links Herald can put into emails. */
  secret: string;
  /** Pause between v1 requests; Statuspage allows about one per second per key. */
  v1IntervalMs?: number;
}

/** Reads a Statuspage page and imports it (or, with dryRun, only plans it). */
export async function importStatuspage(
  ctx: Ctx,
  deps: ImportDeps,
  source: StatuspageSource,
  opts: { dryRun: boolean },
): Promise<ImportPlan> {
  requireRole(ctx.actor, "admin");
  const bundle =
    source.kind === "v2"
      ? await readStatuspageV2(jsonReader(deps.fetch), source.url)
      : await readStatuspageV1(jsonReader(deps.fetch, { minIntervalMs: deps.v1IntervalMs ?? 1000 }), source);
  return importBundle(ctx, bundle, { dryRun: opts.dryRun, secret: deps.secret });
}

const LABELS: Record<(typeof PLAN_ENTITIES)[number], string> = {
  groups: "component groups",
  components: "components",
  incidents: "incidents",
  maintenances: "maintenances",
  updates: "incident updates",
  statusChanges: "component status changes",
  subscribers: "subscribers",
  templates: "templates",
};

const SOURCES: Record<ImportPlan["source"], string> = {
  "statuspage-v1": "Statuspage's API (v1)",
  "statuspage-v2": "the page's public JSON (v2)",
};

/** The plan as lines of text, for the CLI and the console preview. */
export function describePlan(plan: ImportPlan): string[] {
  const verb = plan.dryRun ? "would be" : "were";
  const lines = [
    `${plan.dryRun ? "Plan for" : "Imported"} "${plan.pageName}" from ${SOURCES[plan.source]}:`,
    `  page settings: ${plan.page === "updated" ? `${verb} updated` : "unchanged"}`,
  ];
  for (const e of PLAN_ENTITIES) {
    const c = plan.counts[e];
    if (!c.created && !c.updated && !c.unchanged && !c.skipped) continue;
    const parts = [
      `${c.created} new`,
      `${c.updated} updated`,
      `${c.unchanged} unchanged`,
      ...(c.skipped ? [`${c.skipped} skipped (address already subscribed)`] : []),
    ];
    lines.push(`  ${LABELS[e]}: ${parts.join(", ")}`);
  }
  if (!plan.changed) lines.push("Nothing to change: the page already matches.");
  for (const n of plan.notes) lines.push(`  note: ${n}`);
  lines.push("No email is sent and no subscriber is notified.");
  return lines;
}
