// The 10-year seed shared by the benchmarks: 50 components in 5 groups, BENCH_INCIDENTS
// incidents (default 10 000) over 10 years with 10 updates each, and the status log the
// uptime bars are computed from. Written straight into the tables in one transaction
// (the use cases would take minutes); the last incident is still open.
import { openDb } from "../db/client";
import { migrateDb } from "../db/migrate";
import { ensurePage } from "../lib/page/page";

export const COMPONENTS = 50;
export const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 10_000);
export const UPDATES_PER_INCIDENT = 10;
const YEARS = 10;

export function id(prefix: string, n: number): string {
  return `${prefix}${n.toString(36).padStart(8, "0")}`;
}

export async function seedTenYears(url: string): Promise<{ openIncidentId: string; pastIncidentId: string }> {
  const { db, client } = openDb({ url });
  await migrateDb(db);
  const page = await ensurePage(db, new Date());
  const now = Date.now();
  const started = performance.now();
  const tx = await client.transaction("write");
  const insert = async (table: string, cols: string[], rows: unknown[][]) => {
    for (let i = 0; i < rows.length; i += 500) {
      const chunk = rows.slice(i, i + 500);
      const values = chunk.map(() => `(${cols.map(() => "?").join(",")})`).join(",");
      await tx.execute({
        sql: `insert into ${table} (${cols.join(",")}) values ${values}`,
        args: chunk.flat() as never[],
      });
    }
  };
  await tx.execute({
    sql: "update page set name = 'Globex Cloud', support_url = 'https://support.globex.example' where id = ?",
    args: [page.id],
  });
  const groups = ["Core platform", "Compute", "Storage", "Networking", "Developer tools"];
  await insert(
    "component_group",
    ["id", "page_id", "name", "position", "created_at", "updated_at"],
    groups.map((g, i) => [id("g", i), page.id, g, i, now, now]),
  );
  const components = Array.from({ length: COMPONENTS }, (_, i) => [
    id("c", i),
    page.id,
    i < 5 ? null : id("g", i % groups.length),
    `${["API", "Dashboard", "Webhooks", "Auth", "CDN", "Region"][i % 6]} ${i + 1}`,
    i % 3 === 0 ? `Description of service ${i + 1}, its endpoints and regions` : null,
    i,
    i === 7 ? "partial_outage" : "operational",
    now,
    now,
  ]);
  await insert(
    "component",
    ["id", "page_id", "group_id", "name", "description", "position", "status", "created_at", "updated_at"],
    components,
  );
  const span = YEARS * 365 * 86_400_000;
  const incidents: unknown[][] = [];
  const updates: unknown[][] = [];
  const affected: unknown[][] = [];
  const statuses = ["investigating", "identified", "monitoring", "resolved"];
  for (let i = 0; i < INCIDENTS; i++) {
    const start = now - span + Math.floor((i / INCIDENTS) * span);
    const open = i === INCIDENTS - 1;
    const resolvedAt = open ? null : start + 3_600_000;
    incidents.push([
      id("i", i),
      page.id,
      `Incident ${i + 1}: elevated errors on ${components[i % COMPONENTS][3]}`,
      open ? "identified" : "resolved",
      ["minor", "major", "critical"][i % 3],
      start,
      resolvedAt,
      start,
      start,
      start,
    ]);
    for (let u = 0; u < UPDATES_PER_INCIDENT; u++) {
      const status = open
        ? u === 0
          ? "investigating"
          : "identified"
        : statuses[Math.min(3, Math.floor((u * 4) / UPDATES_PER_INCIDENT) + (u === UPDATES_PER_INCIDENT - 1 ? 3 : 0))];
      const at = start + u * 360_000;
      updates.push([
        id("u", i * UPDATES_PER_INCIDENT + u),
        id("i", i),
        status,
        `Update ${u + 1}: we are **working on it**. More details in [the docs](https://docs.example.com/${i}).`,
        at,
        u + 1,
        at,
        at,
      ]);
    }
    affected.push([id("u", i * UPDATES_PER_INCIDENT), components[i % COMPONENTS][0], "operational", "partial_outage"]);
  }
  await insert(
    "incident",
    [
      "id",
      "page_id",
      "name",
      "status",
      "impact",
      "started_at",
      "resolved_at",
      "published_at",
      "created_at",
      "updated_at",
    ],
    incidents,
  );
  await insert(
    "incident_update",
    ["id", "incident_id", "status", "body", "display_at", "seq", "created_at", "updated_at"],
    updates,
  );
  await insert(
    "incident_update_component",
    ["incident_update_id", "component_id", "old_status", "new_status"],
    affected,
  );
  // The status log the uptime bars are computed from: each component created
  // ten years ago, and every incident taking its component down for its hour.
  const changes: unknown[][] = components.map((c, n) => [
    id("sc", n),
    page.id,
    c[0],
    null,
    "operational",
    now - span,
    "manual",
    null,
    null,
    now - span,
  ]);
  incidents.forEach((inc, n) => {
    const componentId = components[n % COMPONENTS][0];
    const start = inc[5] as number;
    changes.push([
      id("sd", n),
      page.id,
      componentId,
      "operational",
      "partial_outage",
      start,
      "incident_update",
      inc[0],
      id("u", n * UPDATES_PER_INCIDENT),
      start,
    ]);
    if (inc[6] !== null)
      changes.push([
        id("se", n),
        page.id,
        componentId,
        "partial_outage",
        "operational",
        inc[6],
        "incident_update",
        inc[0],
        null,
        inc[6],
      ]);
  });
  await insert(
    "component_status_change",
    [
      "id",
      "page_id",
      "component_id",
      "old_status",
      "new_status",
      "at",
      "source",
      "incident_id",
      "incident_update_id",
      "created_at",
    ],
    changes,
  );
  await tx.commit();
  client.close();
  console.log(
    `seeded ${COMPONENTS} components, ${INCIDENTS} incidents, ${INCIDENTS * UPDATES_PER_INCIDENT} updates in ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { openIncidentId: id("i", INCIDENTS - 1), pastIncidentId: id("i", INCIDENTS - 2) };
}
