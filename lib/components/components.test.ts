import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import { createTestCtx } from "@/tests/helpers/test-db";
import { auditLog, component, componentGroup, componentStatusChange, page } from "@/db/schema";
import { dbState } from "@/tests/helpers/db-state";
import type { Ctx } from "../context";
import { ForbiddenError, NotFoundError, ValidationError } from "../errors";
import { getContentVersion, getPage } from "../page/page";
import {
  createComponent,
  createGroup,
  deleteComponent,
  deleteGroup,
  listComponents,
  reorderComponents,
  updateComponent,
  updateGroup,
} from "./components";

let t: Awaited<ReturnType<typeof createTestCtx>>;
let pageId: string;

beforeAll(async () => {
  t = await createTestCtx("owner");
  pageId = (await getPage(t.db)).id;
});
afterAll(() => t.close());

const lastAudit = async () => (await t.db.select().from(auditLog).orderBy(asc(auditLog.at)).all()).at(-1)!;
const history = (id: string) =>
  t.db
    .select()
    .from(componentStatusChange)
    .where(eq(componentStatusChange.componentId, id))
    .orderBy(asc(componentStatusChange.at));
const version = () => getContentVersion(t.db, pageId);

async function expectUnchanged(fn: () => Promise<unknown>, error: new (...args: never[]) => Error) {
  const before = await dbState(t.db);
  await expect(fn()).rejects.toThrow(error);
  expect(await dbState(t.db)).toEqual(before);
}

describe("createComponent", () => {
  it("writes the component, its first status change and an audit row, and bumps the content version", async () => {
    const v0 = await version();
    const c = await createComponent(t.as("admin"), {
      name: "  API  ",
      description: "Public API",
      status: "degraded_performance",
    });
    expect(c).toMatchObject({
      name: "API",
      description: "Public API",
      status: "degraded_performance",
      position: 0,
      groupId: null,
      hidden: false,
      startDate: "2026-03-01",
      pageId,
    });
    expect(await history(c.id)).toEqual([
      expect.objectContaining({
        oldStatus: null,
        newStatus: "degraded_performance",
        source: "manual",
        at: t.clock.now(),
      }),
    ]);
    expect(await version()).toBe(v0 + 1);
    const a = await lastAudit();
    expect(a).toMatchObject({
      action: "component.create",
      entityType: "component",
      entityId: c.id,
      actorType: "user",
      actorLabel: "admin@example.com",
      before: null,
    });
    expect(a.after).toMatchObject({ name: "API", status: "degraded_performance" });
  });

  it("does not bump the content version for a hidden component", async () => {
    const v0 = await version();
    await createComponent(t.ctx, { name: "Internal", hidden: true });
    expect(await version()).toBe(v0);
  });

  it("logs a change made through the API with source api", async () => {
    const apiCtx: Ctx = { ...t.ctx, actor: { type: "api_key", id: "k1", label: "API key ci", role: "admin" } };
    const c = await createComponent(apiCtx, { name: "Via API" });
    await updateComponent(apiCtx, { id: c.id, status: "partial_outage" });
    expect((await history(c.id)).map((h) => h.source)).toEqual(["api", "api"]);
  });

  it.each([
    ["a name over 255 characters", { name: "x".repeat(256) }],
    ["an empty name", { name: "   " }],
    ["an unknown status", { name: "n", status: "on_fire" }],
    ["an extra pageId key", { name: "n", pageId: "other" }],
    ["an extra position key", { name: "n", position: 5 }],
    ["a malformed start date", { name: "n", startDate: "yesterday" }],
    ["an unknown group", { name: "n", groupId: "nosuchgroup" }],
  ])("rejects %s and changes nothing", async (_what, input) => {
    await expectUnchanged(() => createComponent(t.ctx, input as never), ValidationError);
  });

  it("rejects a group of another page", async () => {
    const later = new Date(t.clock.now().getTime() + 1000);
    await t.db.insert(page).values({ id: "otherpage1", name: "Internal", createdAt: later, updatedAt: later });
    await t.db.insert(componentGroup).values({
      id: "foreigngroup",
      pageId: "otherpage1",
      name: "Theirs",
      position: 0,
      createdAt: later,
      updatedAt: later,
    });
    await expectUnchanged(() => createComponent(t.ctx, { name: "n", groupId: "foreigngroup" }), ValidationError);
  });

  it("denies editors and viewers", async () => {
    await expectUnchanged(() => createComponent(t.as("editor"), { name: "n" }), ForbiddenError);
    await expectUnchanged(() => createComponent(t.as("viewer"), { name: "n" }), ForbiddenError);
  });
});

describe("updateComponent", () => {
  it("lets an editor change the status: history row, cache, audit", async () => {
    const c = await createComponent(t.ctx, { name: "Search" });
    t.clock.advance(60_000);
    const v0 = await version();
    const after = await updateComponent(t.as("editor"), { id: c.id, status: "major_outage" });
    expect(after.status).toBe("major_outage");
    expect((await history(c.id)).at(-1)).toMatchObject({
      oldStatus: "operational",
      newStatus: "major_outage",
      source: "manual",
      at: t.clock.now(),
    });
    expect(await version()).toBe(v0 + 1);
    const a = await lastAudit();
    expect(a).toMatchObject({ action: "component.set_status", actorLabel: "editor@example.com" });
    expect(a.before).toMatchObject({ status: "operational" });
    expect(a.after).toMatchObject({ status: "major_outage" });
    // Setting the same status again appends no history.
    await updateComponent(t.ctx, { id: c.id, status: "major_outage" });
    expect(await history(c.id)).toHaveLength(2);
  });

  it("keeps structure changes for admins and status changes from viewers", async () => {
    const c = await createComponent(t.ctx, { name: "Billing" });
    await expectUnchanged(() => updateComponent(t.as("editor"), { id: c.id, name: "Payments" }), ForbiddenError);
    await expectUnchanged(() => updateComponent(t.as("viewer"), { id: c.id, status: "major_outage" }), ForbiddenError);
    await expectUnchanged(() => updateComponent(t.ctx, { id: c.id, status: "exploded" } as never), ValidationError);
    await expectUnchanged(() => updateComponent(t.ctx, { id: c.id, pageId: "otherpage1" } as never), ValidationError);
    await expectUnchanged(() => updateComponent(t.ctx, { id: "nosuchcomponent", name: "x" }), NotFoundError);
    const renamed = await updateComponent(t.as("admin"), { id: c.id, name: "Payments", hidden: true });
    expect(renamed).toMatchObject({ name: "Payments", hidden: true });
    expect((await lastAudit()).action).toBe("component.update");
  });

  it("moves a component to the end of another group", async () => {
    const g = await createGroup(t.ctx, { name: "Core" });
    const a = await createComponent(t.ctx, { name: "A", groupId: g.id });
    const b = await createComponent(t.ctx, { name: "B" });
    const moved = await updateComponent(t.ctx, { id: b.id, groupId: g.id });
    expect(moved).toMatchObject({ groupId: g.id, position: a.position + 1 });
  });
});

describe("deleteComponent", () => {
  it("soft-deletes: gone from lists, history kept, audited", async () => {
    const c = await createComponent(t.ctx, { name: "Legacy" });
    await updateComponent(t.ctx, { id: c.id, status: "partial_outage" });
    await expectUnchanged(() => deleteComponent(t.as("editor"), { id: c.id }), ForbiddenError);
    await deleteComponent(t.as("admin"), { id: c.id });
    expect((await listComponents(t.db, pageId)).map((x) => x.id)).not.toContain(c.id);
    expect((await t.db.query.component.findFirst({ where: eq(component.id, c.id) }))!.deletedAt).toEqual(t.clock.now());
    expect(await history(c.id)).toHaveLength(2);
    expect(await lastAudit()).toMatchObject({ action: "component.delete", entityId: c.id, after: null });
    await expectUnchanged(() => updateComponent(t.ctx, { id: c.id, status: "operational" }), NotFoundError);
  });
});

describe("groups and ordering", () => {
  it("creates a group with members, reorders them, and deleting it leaves them ungrouped", async () => {
    const x = await createComponent(t.ctx, { name: "X" });
    const y = await createComponent(t.ctx, { name: "Y" });
    const g = await createGroup(t.ctx, { name: "Data", componentIds: [x.id, y.id] });
    expect((await lastAudit()).after).toMatchObject({ name: "Data", componentIds: [x.id, y.id] });
    const members = async () => (await listComponents(t.db, pageId)).filter((c) => c.groupId === g.id).map((c) => c.id);
    expect(await members()).toEqual([x.id, y.id]);
    await reorderComponents(t.ctx, { groupId: g.id, ids: [y.id, x.id] });
    expect(await members()).toEqual([y.id, x.id]);
    await expectUnchanged(() => reorderComponents(t.ctx, { groupId: g.id, ids: [y.id] }), ValidationError);
    await expectUnchanged(() => reorderComponents(t.ctx, { groupId: g.id, ids: [y.id, y.id] }), ValidationError);
    await updateGroup(t.ctx, { id: g.id, name: "Storage" });
    await expectUnchanged(() => updateGroup(t.ctx, { id: g.id, componentIds: ["nosuchcomponent"] }), ValidationError);
    await expectUnchanged(() => deleteGroup(t.as("editor"), { id: g.id }), ForbiddenError);
    await deleteGroup(t.ctx, { id: g.id });
    const after = await t.db.select().from(component).where(eq(component.id, x.id));
    expect(after[0].groupId).toBeNull();
    expect(await t.db.query.componentGroup.findFirst({ where: eq(componentGroup.id, g.id) })).toBeUndefined();
  });
});
