import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, getTableName } from "drizzle-orm";
import { component, delivery, incidentNote, notification, page, subscriber, subscriberIncident } from "@/db/schema";
import { createApiKey } from "@/lib/api-keys/api-keys";
import { seedDemo } from "@/lib/demo/seed-demo";
import { ConflictError, ForbiddenError, ValidationError } from "@/lib/errors";
import { exportPage } from "@/lib/portability/export";
import { EXPORTED, NOT_EXPORTED } from "@/lib/portability/format";
import { restoreExport } from "@/lib/portability/restore";
import { setupOwner } from "@/lib/users/users";
import { tableNames } from "@/tests/helpers/db-state";
import { createTestCtx } from "@/tests/helpers/test-db";
import { dumpDb } from "./helpers";

const SECRET = "s".repeat(40);

describe("Herald export and restore", () => {
  let source: Awaited<ReturnType<typeof createTestCtx>>;
  let target: Awaited<ReturnType<typeof createTestCtx>>;
  let file: string;
  beforeAll(async () => {
    source = await createTestCtx("owner");
    target = await createTestCtx("owner");
    const now = source.clock.now();
    await seedDemo(source.db, { force: false, now, publicUrl: "https://status.acme.example", secret: SECRET });
    await setupOwner(source.db, now, {
      name: "Olga Owner",
      email: "olga@acme.example",
      password: "correct horse battery",
    });
    await createApiKey(source.ctx, { name: "deploy bot", role: "editor" });
    const inc = (await source.db.query.incident.findFirst())!;
    const sub = (await source.db.query.subscriber.findFirst())!;
    await source.db.insert(incidentNote).values({
      id: "note00000001",
      incidentId: inc.id,
      authorUserId: null,
      authorLabel: "Olga",
      body: "Paged the DB team — ✅",
      createdAt: now,
    });
    await source.db.insert(subscriberIncident).values({ subscriberId: sub.id, incidentId: inc.id, createdAt: now });
    file = JSON.stringify(await exportPage(source.ctx));
  });
  afterAll(() => {
    source.close();
    target.close();
  });

  it("writes a versioned file with the page's content and no secrets in plain text", async () => {
    const data = JSON.parse(file);
    expect(data).toMatchObject({ format: "herald-export", version: 1 });
    expect(data.tables.incident.length).toBeGreaterThan(3);
    expect(data.tables.subscriber.length).toBeGreaterThan(0);
    expect(data.tables.account[0]).not.toHaveProperty("accessToken");
    expect(data.page).not.toHaveProperty("contentVersion");
    expect(data).not.toHaveProperty("tables.session");
    expect(data.tables.apiKey[0].keyHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("decides every table of the schema: exported, or left out with a reason", async () => {
    const exported: string[] = Object.values(EXPORTED).map((t) => getTableName(t));
    const undecided = (await tableNames(source.db)).filter(
      (n) => n !== "page" && !exported.includes(n) && !(n in NOT_EXPORTED),
    );
    expect(undecided).toEqual([]);
  });

  it("round-trips: export, restore into a fresh install, export again gives the same file", async () => {
    const plan = await restoreExport(target.ctx, JSON.parse(file), { dryRun: false });
    expect(plan.page).toBe("replaced");
    expect(plan.counts.incident.created).toBe(JSON.parse(file).tables.incident.length);
    const again = JSON.stringify(await exportPage(target.ctx));
    expect(again).toBe(file);
    // The page id moved with it (v2 consumers see the same page id) and the site's caches were bumped.
    expect((await target.db.query.page.findFirst())!.id).toBe(JSON.parse(file).page.id);
    expect({
      notifications: await target.db.$count(notification),
      deliveries: await target.db.$count(delivery),
    }).toEqual({ notifications: 0, deliveries: 0 });
  });

  it("changes nothing when the same file is restored again", async () => {
    const before = await dumpDb(target.db);
    const plan = await restoreExport(target.ctx, JSON.parse(file), { dryRun: false });
    expect(plan.changed).toBe(false);
    expect(await dumpDb(target.db)).toEqual(before);
  });

  it("updates what changed since the export and plans without writing on a dry run", async () => {
    const data = JSON.parse(file);
    data.tables.component[0].name = "Renamed — ünïcode";
    const before = await dumpDb(target.db);
    const dry = await restoreExport(target.ctx, data, { dryRun: true });
    expect(dry.counts.component).toMatchObject({ created: 0, updated: 1 });
    expect(await dumpDb(target.db)).toEqual(before);
    await restoreExport(target.ctx, data, { dryRun: false });
    expect(
      (await target.db.query.component.findFirst({ where: eq(component.id, data.tables.component[0].id) }))!.name,
    ).toBe("Renamed — ünïcode");
  });

  it("refuses a page that already has other content, bad files and non-owners, changing nothing", async () => {
    const before = await dumpDb(source.db);
    const other = JSON.parse(file);
    other.page.id = "otherpage001";
    await expect(restoreExport(source.ctx, other, { dryRun: false })).rejects.toBeInstanceOf(ConflictError);
    await expect(
      restoreExport(source.ctx, { ...JSON.parse(file), format: "statuspage" }, { dryRun: false }),
    ).rejects.toThrow(/Not a Herald export/);
    await expect(restoreExport(source.ctx, { ...JSON.parse(file), version: 2 }, { dryRun: false })).rejects.toThrow(
      /export version 1/,
    );
    const extra = JSON.parse(file);
    extra.tables.user[0].isAdmin = true;
    await expect(restoreExport(source.ctx, extra, { dryRun: false })).rejects.toBeInstanceOf(ValidationError);
    const badEnum = JSON.parse(file);
    badEnum.tables.incident[0].status = "on_fire";
    await expect(restoreExport(source.ctx, badEnum, { dryRun: false })).rejects.toThrow(/tables\.incident\.0\.status/);
    await expect(restoreExport(source.as("admin"), JSON.parse(file), { dryRun: false })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(exportPage(source.as("editor"))).rejects.toBeInstanceOf(ForbiddenError);
    expect(await dumpDb(source.db)).toEqual(before);
  });

  it("keeps subscribers exactly as they were (state, scope, link hashes)", async () => {
    const a = await source.db.select().from(subscriber).orderBy(subscriber.id);
    const b = await target.db.select().from(subscriber).orderBy(subscriber.id);
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    expect(await target.db.$count(page)).toBe(1);
  });
});
