import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { getPage } from "../page/page";
import { createComponent, createGroup, listComponents, reorderGroups } from "./components";
import { listComponentSections, pageOrderIndex } from "./order";

let t: Awaited<ReturnType<typeof createTestCtx>>;
let pageId: string;

beforeAll(async () => {
  t = await createTestCtx("owner");
  pageId = (await getPage(t.db)).id;
  // Created interleaved, as a page grows: positions are per group, so a flat
  // sort by position mixes the groups ("scrambled" in the forms).
  const regions = await createGroup(t.ctx, { name: "Regions" });
  const core = await createGroup(t.ctx, { name: "Core" });
  const secret = await createGroup(t.ctx, { name: "Internal", hidden: true });
  await createComponent(t.ctx, { name: "EU West", groupId: regions.id });
  await createComponent(t.ctx, { name: "API", groupId: core.id });
  await createComponent(t.ctx, { name: "Website" });
  await createComponent(t.ctx, { name: "US East", groupId: regions.id });
  await createComponent(t.ctx, { name: "Dashboard", groupId: core.id });
  await createComponent(t.ctx, { name: "Billing sync", groupId: secret.id });
  await createComponent(t.ctx, { name: "Status probe", hidden: true });
  await reorderGroups(t.ctx, { ids: [core.id, regions.id, secret.id] });
});
afterAll(() => t.close());

const names = (sections: Awaited<ReturnType<typeof listComponentSections>>) =>
  sections.map((s) => [s.group?.name ?? null, s.components.map((c) => c.name)]);

describe("the page's component order", () => {
  it("is what the public page shows: ungrouped first, then each group in its order with its members", async () => {
    expect(names(await listComponentSections(t.db, pageId, { audience: "public" }))).toEqual([
      [null, ["Website"]],
      ["Core", ["API", "Dashboard"]],
      ["Regions", ["EU West", "US East"]],
    ]);
  });

  it("the console also lists hidden components and groups, in the same order", async () => {
    expect(names(await listComponentSections(t.db, pageId, { audience: "console" }))).toEqual([
      [null, ["Website", "Status probe"]],
      ["Core", ["API", "Dashboard"]],
      ["Regions", ["EU West", "US East"]],
      ["Internal", ["Billing sync"]],
    ]);
  });

  it("differs from the flat list the forms used (the regression)", async () => {
    const flat = (await listComponents(t.db, pageId)).map((c) => c.name);
    const ordered = [...pageOrderIndex(await listComponentSections(t.db, pageId, { audience: "console" })).keys()];
    const byId = new Map((await listComponents(t.db, pageId)).map((c) => [c.id, c.name]));
    expect(ordered.map((id) => byId.get(id))).toEqual([
      "Website",
      "Status probe",
      "API",
      "Dashboard",
      "EU West",
      "US East",
      "Billing sync",
    ]);
    expect(flat).not.toEqual(ordered.map((id) => byId.get(id)));
  });
});
