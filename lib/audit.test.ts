import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { listAuditFacets, listAuditLog, parseAuditQuery } from "./audit";
import { createComponent, updateComponent } from "./components/components";
import { ValidationError } from "./errors";
import { getPage } from "./page/page";

let t: Awaited<ReturnType<typeof createTestCtx>>;
let pageId: string;
const NY = "America/New_York";

beforeAll(async () => {
  t = await createTestCtx("owner");
  pageId = (await getPage(t.db)).id;
  // 2026-03-01 23:30 in New York is 04:30 UTC on March 2: local days decide.
  t.clock.set(new Date("2026-03-02T04:30:00Z"));
  const api = await createComponent(t.as("admin"), { name: "API" });
  t.clock.set(new Date("2026-03-02T15:00:00Z"));
  await updateComponent(t.as("editor"), { id: api.id, status: "major_outage" });
  t.clock.set(new Date("2026-03-04T15:00:00Z"));
  await updateComponent(t.as("admin"), { id: api.id, name: "Public API" });
});
afterAll(() => t.close());

const list = async (raw: Record<string, string | string[] | undefined>) => {
  const { page, ...filter } = parseAuditQuery(raw);
  return (await listAuditLog(t.db, pageId, { page, filter, timeZone: NY })).entries.map(
    (e) => `${e.actorLabel} ${e.action}`,
  );
};

describe("audit log filters", () => {
  it("by actor, by action and by local days in the page's zone (both ends included)", async () => {
    const facets = await listAuditFacets(t.db, pageId);
    expect(facets.actions).toEqual(["component.create", "component.set_status", "component.update"]);
    const admin = facets.actors.find((a) => a.includes("admin"))!;
    expect(await list({ actor: admin })).toEqual([`${admin} component.update`, `${admin} component.create`]);
    expect(await list({})).toHaveLength(3);
    expect(await list({ action: "component.create" })).toEqual([`${admin} component.create`]);
    expect(await list({ from: "2026-03-01", to: "2026-03-01" })).toEqual([`${admin} component.create`]);
    expect(await list({ from: "2026-03-02", to: "2026-03-03" })).toHaveLength(1);
    expect(await list({ from: "2026-03-04" })).toHaveLength(1);
    expect(await list({ actor: admin, action: "component.update", to: "2026-03-03" })).toEqual([]);
  });

  it("refuses bad values with a message per field", () => {
    const bad = (raw: Record<string, string | string[]>) => {
      try {
        parseAuditQuery(raw);
      } catch (err) {
        expect(err).toBeInstanceOf(ValidationError);
        return (err as ValidationError).fieldErrors;
      }
      throw new Error("accepted");
    };
    expect(bad({ from: "yesterday" })).toEqual({ from: ["Use a date like 2026-03-01"] });
    expect(bad({ from: "2026-03-05", to: "2026-03-01" })).toEqual({ to: ["The start date is after the end date"] });
    expect(bad({ action: "x'; drop table" })).toEqual({ action: ["Pick an action from the list"] });
    expect(bad({ page: "-1" })).toEqual({ page: ["Use a page number such as 2"] });
    expect(bad({ actor: ["a", "b"] })).toEqual({ actor: ["Give it once"] });
    expect(bad({ actor: "x".repeat(400) })).toEqual({ actor: ["At most 320 characters"] });
    expect(parseAuditQuery({ actor: " ", from: "", utm: "x" })).toEqual({});
  });
});
