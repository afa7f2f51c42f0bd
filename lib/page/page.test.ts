import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc } from "drizzle-orm";
import { createTestCtx } from "@/tests/helpers/test-db";
import { auditLog } from "@/db/schema";
import { dbState } from "@/tests/helpers/db-state";
import { ForbiddenError, ValidationError } from "../errors";
import { ensurePage, getContentVersion, getPage, updatePage } from "./page";

let t: Awaited<ReturnType<typeof createTestCtx>>;

beforeAll(async () => {
  t = await createTestCtx("owner");
});
afterAll(() => t.close());

describe("updatePage", () => {
  it("saves the settings, bumps the content version and audits before/after", async () => {
    const before = await getPage(t.db);
    t.clock.advance(1000);
    const after = await updatePage(t.as("admin"), {
      name: "Acme Status",
      url: "https://status.acme.example/",
      timeZone: "Europe/Berlin",
      supportUrl: "https://acme.example/help",
      brandColor: "#112233",
      emailFrom: "",
    });
    expect(after).toMatchObject({
      name: "Acme Status",
      url: "https://status.acme.example",
      timeZone: "Europe/Berlin",
      supportUrl: "https://acme.example/help",
      brandColor: "#112233",
      emailFrom: null,
      updatedAt: t.clock.now(),
    });
    expect(after.contentVersion).toBe(before.contentVersion + 1);
    const [a] = (await t.db.select().from(auditLog).orderBy(asc(auditLog.at))).slice(-1);
    expect(a).toMatchObject({
      action: "page.update",
      entityType: "page",
      entityId: before.id,
      actorLabel: "admin@example.com",
    });
    expect(a.before).toMatchObject({ timeZone: "UTC", url: null });
    expect(a.after).toMatchObject({ timeZone: "Europe/Berlin", url: "https://status.acme.example" });
  });

  it("clears an optional URL with an empty string", async () => {
    expect((await updatePage(t.ctx, { supportUrl: "" })).supportUrl).toBeNull();
  });

  it.each([
    ["a javascript: URL", { url: "javascript:alert(1)" }],
    ["a data: support URL", { supportUrl: "data:text/html,<script>alert(1)</script>" }],
    ["an unknown time zone", { timeZone: "Mars/Olympus" }],
    ["a name over 255 characters", { name: "x".repeat(256) }],
    ["a bad colour", { brandColor: "red;background:url(x)" }],
    ["an extra contentVersion key", { contentVersion: 999 }],
    ["an extra id key", { id: "otherpage" }],
  ])("rejects %s and changes nothing", async (_what, input) => {
    const before = await dbState(t.db);
    await expect(updatePage(t.ctx, input as never)).rejects.toThrow(ValidationError);
    expect(await dbState(t.db)).toEqual(before);
  });

  it("is for admins: an editor is denied and nothing changes", async () => {
    const before = await dbState(t.db);
    await expect(updatePage(t.as("editor"), { name: "Hijacked" })).rejects.toThrow(ForbiddenError);
    expect(await dbState(t.db)).toEqual(before);
    expect((await getPage(t.db)).name).toBe("Acme Status");
  });
});

describe("ensurePage", () => {
  it("creates the page once; later calls return it unchanged", async () => {
    const p = await getPage(t.db);
    const v = await getContentVersion(t.db, p.id);
    const again = await ensurePage(t.db, new Date(), "Another name");
    expect(again.id).toBe(p.id);
    expect(again.name).toBe(p.name);
    expect(await getContentVersion(t.db, p.id)).toBe(v);
  });
});
