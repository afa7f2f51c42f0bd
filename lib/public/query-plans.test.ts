// Every public reader's statements, as SQLite plans them. A render after a publish must not read all of history's
// updates: a plan that did cost the 10-year seed 30–350 ms per statement, while the libsql driver blocks the process
// (bench/public.ts measures the renders; here the plans are checked, which no busy machine can make flaky). Without
// statistics SQLite plans from the schema and the statement alone, so a small page shows the plan a large one gets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client, InStatement } from "@libsql/client";
import { openDb, type Db } from "@/db/client";
import { createTestCtx } from "@/tests/helpers/test-db";
import { seedStatusPage } from "@/tests/public/seed";
import { createIncident } from "../incidents/incidents";
import { loadUptime } from "../uptime/load";
import { loadMaintenanceCalendar } from "./calendar";
import { loadFeedEntries } from "./feed";
import { loadHistory } from "./history";
import { loadIncident } from "./incident";
import { loadPublicIndex } from "./index";
import { loadStatusPage } from "./status-page";
import { loadSyndication } from "./syndication";

let t: Awaited<ReturnType<typeof createTestCtx>>;
/** A second handle on the test database, whose client the readers' statements are read from. */
let db: Db;
let client: Client;
let incidentId: string;
beforeAll(async () => {
  t = await createTestCtx();
  const seeded = await seedStatusPage(t.db);
  incidentId = seeded.resolvedIncident.id;
  // Open ones too: most readers ask for the updates of open incidents only.
  await createIncident(seeded.ctx, {
    name: "Slow API responses",
    body: "Investigating.",
    components: { [seeded.api.id]: "degraded_performance" },
  });
  ({ db, client } = openDb({ url: t.url }));
});
afterAll(() => {
  client.close();
  t.close();
});

/** The statements `read` sends, each with its plan's lines. */
async function plans(read: () => Promise<unknown>): Promise<{ sql: string; plan: string[] }[]> {
  const execute = client.execute.bind(client);
  const sent: Exclude<InStatement, string>[] = [];
  client.execute = ((stmt: Exclude<InStatement, string>) => {
    sent.push(stmt);
    return execute(stmt);
  }) as typeof client.execute;
  try {
    await read();
  } finally {
    client.execute = execute;
  }
  return Promise.all(
    sent.map(async (s) => ({
      sql: s.sql,
      plan: (await execute({ sql: `explain query plan ${s.sql}`, args: s.args })).rows.map((r) => String(r.detail)),
    })),
  );
}

describe("public readers' query plans", () => {
  const readers: Record<string, () => Promise<unknown>> = {
    "status page": () => loadStatusPage(db),
    uptime: async () => loadUptime(db, (await loadStatusPage(db)).page.id, t.clock.now()),
    history: () => loadHistory(db, 1),
    feeds: () => loadFeedEntries(db),
    "incident page": () => loadIncident(db, incidentId),
    "path index": () => loadPublicIndex(db),
    calendar: () => loadMaintenanceCalendar(db),
    "v2 summary": () => loadSyndication(db, { incidents: "unresolved", maintenances: "open" }),
    "v2 incidents": () => loadSyndication(db, { incidents: "recent", maintenances: "recent" }),
  };

  it.each(Object.keys(readers))("%s: updates are reached through their incident or read newest first", async (name) => {
    const statements = await plans(readers[name]);
    expect(statements.length).toBeGreaterThan(0);
    for (const { sql, plan } of statements) {
      const where = `${sql}\n  ${plan.join("\n  ")}`;
      // The scheduler's index holds scheduled updates only; "publish_at is null" (public) must never walk it.
      expect(
        plan.some((l) => l.includes("incident_update_publish_at")),
        where,
      ).toBe(false);
      // No statement reads every update or every update's components.
      for (const l of plan) {
        if (/^SCAN (incident_update|incident_update_component)\b/.test(l))
          expect(l, where).toContain("USING INDEX incident_update_display_order");
      }
    }
  });

  it("history finds its quarters and their incidents by the (page, started_at) index, never a scan", async () => {
    const statements = (await plans(() => loadHistory(db, 1))).filter((s) => /from "incident"/.test(s.sql));
    // The newest and oldest incident (the quarters' range), then the quarter's own incidents.
    expect(statements).toHaveLength(3);
    for (const { sql, plan } of statements)
      expect(plan[0], sql).toMatch(/^SEARCH incident USING INDEX incident_page_started/);
    expect(statements[2].plan[0]).toContain("started_at>? AND started_at<?");
    // The path index reads the same two ends.
    const index = (await plans(() => loadPublicIndex(db))).filter((s) =>
      /order by "incident"."started_at"/.test(s.sql),
    );
    expect(index.map((s) => s.plan[0])).toEqual(
      Array(2).fill("SEARCH incident USING INDEX incident_page_started (page_id=?)"),
    );
  });

  it.each(["status page", "v2 summary"])(
    "%s: open incidents are read from the (page, status) index, not by walking all of history",
    async (name) => {
      const open = (await plans(readers[name])).filter((s) => /from "incident" where .*"status" in/.test(s.sql));
      expect(open.length).toBeGreaterThan(0);
      for (const { sql, plan } of open) expect(plan[0], sql).toContain("USING INDEX incident_page_status");
    },
  );

  it("uptime finds the window's incidents by index ranges, never walking all that started before it", async () => {
    const page = (await loadStatusPage(db)).page.id;
    const spans = (await plans(() => loadUptime(db, page, t.clock.now()))).find((s) => /union all/.test(s.sql));
    expect(spans?.plan.filter((l) => l.startsWith("SEARCH incident"))).toEqual([
      expect.stringMatching(/USING INDEX incident_page_started \(page_id=\? AND started_at>\? AND started_at<\?\)/),
      "SEARCH incident USING INDEX incident_page_resolved (page_id=? AND resolved_at>?)",
      "SEARCH incident USING INDEX incident_page_resolved (page_id=? AND resolved_at=?)",
    ]);
  });

  it("the feeds walk updates newest first and stop at the limit, without sorting all of them", async () => {
    const walk = (await plans(() => loadFeedEntries(db))).find((s) => s.sql.includes("indexed by"));
    expect(walk?.plan[0]).toMatch(/^SCAN incident_update USING (COVERING )?INDEX incident_update_display_order/);
    expect(walk?.plan.join("\n")).not.toContain("TEMP B-TREE");
  });
});
