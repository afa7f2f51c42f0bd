import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asc, eq, isNull } from "drizzle-orm";
import { openDb, type Db } from "@/db/client";
import { SEED_MARKER_ACTION } from "@/lib/demo/seed-demo";
import {
  auditLog,
  component,
  componentGroup,
  componentStatusChange,
  incident,
  incidentNote,
  incidentTemplate,
  incidentUpdate,
  notification,
  page,
  subscriber,
  user,
} from "@/db/schema";
import { authenticateApiKey } from "@/lib/api-keys/api-keys";
import { createComponent } from "@/lib/components/components";
import { CLI_ACTOR } from "@/lib/context";
import { loadUptime } from "@/lib/uptime/load";
import { dbState } from "@/tests/helpers/db-state";
import { scriptArgs } from "@/tests/helpers/scripts";

const root = path.resolve(import.meta.dirname, "../..");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a subprocess against its own data directory. */
function herald(dataDir: string, ...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: `file:${path.join(dataDir, "herald.db")}`,
    HERALD_DATA_DIR: dataDir,
    NODE_ENV: "test",
  };
  delete env.HERALD_URL;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...scriptArgs("scripts/herald.ts"), ...args],
      { cwd: root, env, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

function workspace() {
  const dir = mkdtempSync(path.join(tmpdir(), "herald-cli-"));
  let opened: ReturnType<typeof openDb> | undefined;
  return {
    dir,
    run: (...args: string[]) => herald(dir, ...args),
    db: (): Db => (opened ??= openDb({ url: `file:${path.join(dir, "herald.db")}` })).db,
    close: () => {
      opened?.client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const PASSWORD = "correct horse battery";

describe("herald CLI", { timeout: 120_000 }, () => {
  let w: ReturnType<typeof workspace>;
  beforeAll(() => {
    w = workspace();
  });
  afterAll(() => w.close());

  it("prints help, and answers usage errors with exit 2", async () => {
    const help = await w.run("help");
    expect(help.code).toBe(0);
    for (const c of ["migrate", "create-user", "create-api-key", "seed-demo"]) expect(help.stdout).toContain(c);
    const [none, unknown, badOption, missing] = await Promise.all([
      w.run(),
      w.run("explode"),
      w.run("create-api-key", "--name", "x", "--colour", "red"),
      w.run("create-user", "--email", "a@example.com"),
    ]);
    expect(none.code).toBe(2);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "explode"') });
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("--colour");
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining("--password, --role required") });
  });

  it("migrate creates and migrates the database with a page", async () => {
    const r = await w.run("migrate");
    expect(r).toMatchObject({ code: 0, stdout: expect.stringContaining("up to date") });
    expect(await w.db().select().from(page)).toHaveLength(1);
  });

  it("create-user adds users without printing the password; bad input exits 1 and writes nothing", async () => {
    const owner = await w.run(
      "create-user",
      "--email",
      "Olive@Example.com",
      "--password",
      PASSWORD,
      "--role",
      "owner",
      "--name",
      "Olive",
    );
    expect(owner.code).toBe(0);
    expect(owner.stdout).toContain("Created owner olive@example.com");
    const editor = await w.run(
      "create-user",
      "--email",
      "eddie@example.com",
      "--password",
      PASSWORD,
      "--role",
      "editor",
    );
    expect(editor.code).toBe(0);
    for (const r of [owner, editor]) expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    const users = await w.db().select().from(user).orderBy(asc(user.email));
    expect(users.map((u) => [u.email, u.role, u.name])).toEqual([
      ["eddie@example.com", "editor", "eddie"],
      ["olive@example.com", "owner", "Olive"],
    ]);
    expect((await w.db().select().from(auditLog).where(eq(auditLog.action, "user.create")))[0]).toMatchObject({
      actorType: "cli",
      actorLabel: "cli",
    });

    const before = await dbState(w.db());
    const badRole = await w.run(
      "create-user",
      "--email",
      "x@example.com",
      "--password",
      PASSWORD,
      "--role",
      "superuser",
    );
    expect(badRole.code).toBe(1);
    expect(badRole.stderr).toMatch(/role: .*(admin|editor|viewer)/i);
    const badEmail = await w.run("create-user", "--email", "not-an-email", "--password", PASSWORD, "--role", "viewer");
    expect(badEmail).toMatchObject({ code: 1, stderr: expect.stringContaining("email: Enter a valid email address") });
    const secondOwner = await w.run(
      "create-user",
      "--email",
      "mallory@example.com",
      "--password",
      PASSWORD,
      "--role",
      "owner",
    );
    expect(secondOwner).toMatchObject({ code: 1, stderr: expect.stringContaining("already set up") });
    const duplicate = await w.run(
      "create-user",
      "--email",
      "EDDIE@example.com",
      "--password",
      PASSWORD,
      "--role",
      "viewer",
    );
    expect(duplicate.code).toBe(1);
    for (const r of [badRole, badEmail, secondOwner, duplicate]) expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await dbState(w.db())).toEqual(before);
  });

  it("create-api-key prints the key as its last line, and that key authenticates", async () => {
    const r = await w.run("create-api-key", "--name", "Deploy bot", "--role", "editor");
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    const key = lines.at(-1)!;
    expect(key).toMatch(/^hrld_\S+$/);
    expect(lines.slice(0, -1).join("\n")).not.toContain(key);
    const actor = await authenticateApiKey(w.db(), `OAuth ${key}`, new Date());
    expect(actor).toMatchObject({ type: "api_key", role: "editor", label: expect.stringContaining("Deploy bot") });
    await expect(authenticateApiKey(w.db(), `Bearer ${key}x`, new Date())).rejects.toThrow();

    const before = await dbState(w.db());
    const bad = await w.run("create-api-key", "--name", "Root", "--role", "owner");
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining("role:") });
    expect(await dbState(w.db())).toEqual(before);
  });
});

describe("herald seed-demo", { timeout: 180_000 }, () => {
  let w: ReturnType<typeof workspace>;
  beforeAll(() => {
    w = workspace();
  });
  afterAll(() => w.close());

  it("seeds a realistic page with 90 days of history, then a second run changes nothing", async () => {
    // An owner set up before seeding becomes the open incident's owner.
    expect(
      (await w.run("create-user", "--email", "olive@example.com", "--password", PASSWORD, "--role", "owner")).code,
    ).toBe(0);
    const started = Date.now();
    const first = await w.run("seed-demo");
    expect(first.stderr).toBe("");
    expect(first).toMatchObject({ code: 0, stdout: expect.stringContaining("Seeded the Acme Cloud demo") });
    const db = w.db();
    const [p] = await db.select().from(page);
    expect(p).toMatchObject({
      name: "Acme Cloud",
      timeZone: "America/New_York",
      supportUrl: expect.stringMatching(/^https:\/\//),
      url: expect.stringMatching(/^http/),
    });
    expect(await db.select().from(componentGroup)).toHaveLength(3);
    const comps = await db.select().from(component).where(isNull(component.deletedAt));
    expect(comps).toHaveLength(12);
    expect(comps.every((c) => c.groupId)).toBe(true);

    const all = await db.select().from(incident).orderBy(asc(incident.startedAt));
    const incidents = all.filter((i) => i.kind === "incident");
    expect(
      all
        .filter((i) => i.kind === "maintenance")
        .map((m) => m.status)
        .sort(),
    ).toEqual(["completed", "in_progress", "scheduled"]);
    const subs = await db.select().from(subscriber);
    expect(subs.length).toBeGreaterThanOrEqual(5);
    expect(subs.every((s) => s.state === "active")).toBe(true);
    // Seeding never sends anything.
    expect(await db.select().from(notification)).toHaveLength(0);
    const open = incidents.filter((i) => i.status !== "resolved" && i.status !== "postmortem");
    expect(open).toHaveLength(1);
    const openUpdates = await db
      .select()
      .from(incidentUpdate)
      .where(eq(incidentUpdate.incidentId, open[0].id))
      .orderBy(asc(incidentUpdate.seq));
    expect(openUpdates.map((u) => u.status)).toEqual(["investigating", "identified", "monitoring"]);
    // The newest update is "now" (the moment of seeding).
    expect(openUpdates[2].displayAt.getTime()).toBeGreaterThanOrEqual(started - 1000);
    expect(openUpdates[2].displayAt.getTime()).toBeLessThanOrEqual(Date.now());
    // Some history goes back ~90 days; one resolved incident spans more than a day.
    const day = 86_400_000;
    expect(incidents[0].startedAt.getTime()).toBeLessThan(started - 80 * day);
    expect(incidents.some((i) => i.resolvedAt && i.resolvedAt.getTime() - i.startedAt.getTime() > day)).toBe(true);
    expect(new Set(incidents.map((i) => i.impact))).toEqual(new Set(["minor", "major", "critical"]));
    expect(incidents.filter((i) => i.backfilled)).toHaveLength(1);
    // Real status history for uptime bars, from incidents and manual changes.
    const changes = await db.select().from(componentStatusChange);
    expect(changes.filter((c) => c.source === "incident_update").length).toBeGreaterThan(20);
    expect(changes.some((c) => c.source === "manual" && c.oldStatus !== null)).toBe(true);
    // Uptime bars: mostly green, with a few amber and red days.
    const uptime = await loadUptime(db, p.id, new Date());
    const days = uptime.components.flatMap((c) => c.days.map((d) => d.worst));
    expect(uptime.dayCount).toBeGreaterThanOrEqual(90);
    expect(days.filter((d) => d === "operational").length / days.length).toBeGreaterThan(0.95);
    expect(days.filter((d) => d === "degraded_performance").length).toBeGreaterThanOrEqual(10);
    expect(days.filter((d) => d === "partial_outage" || d === "major_outage").length).toBeGreaterThanOrEqual(5);
    expect(days).toContain("major_outage");
    expect(
      uptime.components.every((c) => c.uptimePercent !== null && c.uptimePercent > 99 && c.uptimePercent <= 100),
    ).toBe(true);

    // The comms lead's fields on the open incident, and a published postmortem on the multi-day one.
    const [owner] = await db.select().from(user).where(eq(user.role, "owner"));
    expect(open[0]).toMatchObject({ urgency: "high", ownerUserId: owner.id });
    expect(await db.select().from(incidentNote).where(eq(incidentNote.incidentId, open[0].id))).toHaveLength(1);
    const reviewed = incidents.filter((i) => i.status === "postmortem");
    expect(reviewed.map((i) => i.name)).toEqual(["Search results delayed after index migration"]);
    expect(reviewed[0].resolvedAt!.getTime() - reviewed[0].startedAt.getTime()).toBeGreaterThan(day);
    expect(reviewed[0].postmortemPublishedAt!.getTime()).toBeGreaterThan(reviewed[0].resolvedAt!.getTime());
    expect(reviewed[0].postmortemDraft).toBe(reviewed[0].postmortemBody);
    for (const heading of ["## Summary", "## Impact", "## Root cause", "## Timeline (UTC)", "## What we're changing"])
      expect(reviewed[0].postmortemBody).toContain(heading);

    const templates = await db.select().from(incidentTemplate).orderBy(asc(incidentTemplate.name));
    expect(templates.map((t) => [t.name, t.status])).toEqual([
      ["Investigating an outage", "investigating"],
      ["Investigating degraded performance", "investigating"],
      ["Monitoring a fix", "monitoring"],
      ["Resolved", "resolved"],
    ]);
    expect(templates.every((t) => t.title.includes("{{component}}"))).toBe(true);

    // Maintenance: one done, one running now, one coming up.
    const maintenances = all.filter((i) => i.kind === "maintenance");
    const now = Date.now();
    const running = maintenances.find((m) => m.status === "in_progress")!;
    expect(running.scheduledFor!.getTime()).toBeLessThan(now);
    expect(running.scheduledUntil!.getTime()).toBeGreaterThan(now);
    expect(maintenances.find((m) => m.status === "scheduled")!.scheduledFor!.getTime()).toBeGreaterThan(now);

    // The page's current state follows the open incident and the running maintenance.
    const affected = comps.filter((c) => c.status !== "operational").map((c) => [c.name, c.status]);
    expect(affected.sort()).toEqual([
      ["Backups", "under_maintenance"],
      ["Webhooks", "degraded_performance"],
    ]);

    const before = await dbState(db);
    const second = await w.run("seed-demo");
    expect(second.stderr).toBe("");
    expect(second).toMatchObject({ code: 0, stdout: expect.stringContaining("nothing changed") });
    expect(await dbState(db)).toEqual(before);
    expect(await db.select().from(auditLog).where(eq(auditLog.action, SEED_MARKER_ACTION))).toHaveLength(1);
  });

  it("refuses a page with data of its own unless --force", async () => {
    const other = workspace();
    try {
      expect((await other.run("migrate")).code).toBe(0);
      await createComponent({ db: other.db(), now: () => new Date(), actor: CLI_ACTOR }, { name: "Our real API" });
      const before = await dbState(other.db());
      const refused = await other.run("seed-demo");
      expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining("--force") });
      expect(await dbState(other.db())).toEqual(before);

      const forced = await other.run("seed-demo", "--force");
      expect(forced.code).toBe(0);
      const comps = await other.db().select().from(component);
      expect(comps).toHaveLength(13);
      // Forced onto a real page, the demo adds to it and leaves its settings alone.
      expect((await other.db().select().from(page))[0].name).not.toBe("Acme Cloud");
      // Without an owner yet, the open incident is left unassigned.
      const [open] = await other.db().select().from(incident).where(eq(incident.status, "monitoring"));
      expect(open).toMatchObject({ urgency: "high", ownerUserId: null });
    } finally {
      other.close();
    }
  });
});
