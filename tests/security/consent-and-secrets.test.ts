import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Papa from "papaparse";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../db/constants";
import { createComponent } from "../../lib/components/components";
import { createIncident } from "../../lib/incidents/incidents";
import { createUser } from "../../lib/users/users";
import { startApi, type ApiClient } from "../api/helpers";
import { startServer } from "../helpers/server";
import { until } from "../helpers/wait";

// Issue 10, item 6 "Consent and secrets", against the real server: an
// editor's v1 skip_confirmation_notification, a viewer reading the outbox, a
// formula cell in the exports, and the data directory's file modes.
const PASSWORD = "correct horse battery";

describe("consent and secrets over HTTP", () => {
  let api: ApiClient;
  const cookies = {} as Record<Exclude<Role, "owner">, string>;
  const subs = () => `/pages/${api.page.id}/subscribers`;

  async function signIn(role: Exclude<Role, "owner">): Promise<string> {
    const email = `${role}@example.com`;
    await createUser(api.ctx, { name: role, email, password: PASSWORD, role });
    const res = await fetch(`${api.server.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: api.server.url },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return res.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
  }
  async function consoleGet(
    role: Exclude<Role, "owner">,
    p: string,
  ): Promise<{ status: number; type: string; body: string }> {
    const res = await fetch(`${api.server.url}${p}`, { headers: { cookie: cookies[role] }, redirect: "manual" });
    return { status: res.status, type: res.headers.get("content-type") ?? "", body: await res.text() };
  }
  const outboxRows = (to: string) =>
    api.server.db.all<{ id: string; html: string; text: string; headers: string }>(
      sql`select id, html, text, headers from outbox_email where to_address = ${to}`,
    );
  /** The outbox's emails to `to`, once there is one. */
  const mailsTo = (to: string) =>
    until(`an email to ${to}`, async () => {
      const rows = await outboxRows(to);
      return rows.length ? rows : undefined;
    });
  const deliveriesOf = async (subscriberId: string) =>
    (
      await api.server.db.all<{ n: number }>(
        sql`select count(*) as n from delivery where subscriber_id = ${subscriberId}`,
      )
    )[0].n;

  beforeAll(async () => {
    api = await startApi();
    for (const role of ["admin", "editor", "viewer"] as const) cookies[role] = await signIn(role);
  });
  afterAll(() => api?.stop());

  it(
    "an editor's v1 POST with skip_confirmation_notification " +
      "gets an unconfirmed subscriber and a confirmation email; an " +
      "admin's is active with none",
    async () => {
      const ed = await api.post(
        subs(),
        { subscriber: { email: "ed-skip@example.com", skip_confirmation_notification: true } },
        { key: api.keys.editor },
      );
      expect(ed.status).toBe(201);
      expect(ed.body).toMatchObject({ state: "unconfirmed", skip_confirmation_notification: false });
      const mails = await mailsTo("ed-skip@example.com");
      expect(mails).toHaveLength(1);
      expect(mails[0].text).toMatch(/\/subscriptions\/confirm\?token=[A-Za-z0-9_-]{43}/);

      const ad = await api.post(subs(), {
        subscriber: { email: "ad-skip@example.com", skip_confirmation_notification: true },
      });
      expect(ad.status).toBe(201);
      expect(ad.body).toMatchObject({ state: "active", skip_confirmation_notification: true });
      expect(await deliveriesOf(ad.body.id)).toBe(0);
    },
  );

  it("the console's add form offers skipping confirmation to admins only", async () => {
    const admin = await consoleGet("admin", "/admin/subscribers");
    const editor = await consoleGet("editor", "/admin/subscribers");
    expect([admin.status, editor.status]).toEqual([200, 200]);
    expect(admin.body).toContain("Skip confirmation");
    expect(editor.body).toContain("Add a subscriber");
    expect(editor.body).not.toContain("Skip confirmation");
    expect(editor.body).not.toContain('name="skipConfirmation"');
  });

  it("a viewer (and an editor) reading the outbox sees token links redacted; an admin sees them", async () => {
    // A confirmation email (confirm link) and an incident email (manage, unsubscribe, one-click, List-Unsubscribe).
    expect((await api.post(subs(), { subscriber: { email: "pending-reader@example.com" } })).status).toBe(201);
    expect(
      (await api.post(subs(), { subscriber: { email: "reader@example.com", skip_confirmation_notification: true } }))
        .status,
    ).toBe(201);
    await createIncident(api.ctx, { name: "Database trouble", body: "Looking into it", notify: true });
    const [incidentMail] = await mailsTo("reader@example.com");
    const [confirmMail] = await mailsTo("pending-reader@example.com");
    for (const mail of [confirmMail, incidentMail]) {
      const tokens = [
        ...new Set(
          [...`${mail.html}${mail.text}${mail.headers}`.matchAll(/token=([A-Za-z0-9_-]{43})/g)].map((m) => m[1]),
        ),
      ];
      expect(tokens.length).toBeGreaterThan(0);

      const admin = await consoleGet("admin", `/admin/outbox/${mail.id}`);
      expect(admin.status).toBe(200);
      for (const token of tokens) expect(admin.body).toContain(token);

      for (const role of ["viewer", "editor"] as const) {
        const page = await consoleGet(role, `/admin/outbox/${mail.id}`);
        expect(page.status).toBe(200);
        expect(page.body).toContain(mail === incidentMail ? "Database trouble" : "onfirm");
        expect(page.body).toContain("token=[redacted]");
        for (const token of tokens) expect(page.body).not.toContain(token);
      }
    }
    expect(JSON.parse(incidentMail.headers)["List-Unsubscribe"]).toContain("one-click?token=");
  });

  it("a formula cell in the subscriber and metrics exports is escaped", async () => {
    expect(
      (await api.post(subs(), { subscriber: { email: "-2+3@example.com", skip_confirmation_notification: true } }))
        .status,
    ).toBe(201);
    const exp = await consoleGet("admin", "/admin/subscribers/export");
    expect(exp.status).toBe(200);
    expect(exp.type).toMatch(/^text\/csv/);
    const emails = Papa.parse<Record<string, string>>(exp.body, { header: true, skipEmptyLines: true }).data.map(
      (r) => r.email,
    );
    expect(emails).toContain("'-2+3@example.com");
    expect(emails).not.toContain("-2+3@example.com");

    await createComponent(api.ctx, { name: '=HYPERLINK("http://evil.example","x")' });
    const metrics = await consoleGet("viewer", "/admin/metrics/export.csv");
    expect(metrics.status).toBe(200);
    const names = Papa.parse<Record<string, string>>(metrics.body, { header: true, skipEmptyLines: true }).data.map(
      (r) => r.component,
    );
    expect(names).toContain('\'=HYPERLINK("http://evil.example","x")');
    expect(names.filter((n) => /^[=+\-@\t\r]/.test(n))).toEqual([]);
  });
});

// Each test starts its own server: allow for a slow start on a busy machine.
describe("data directory modes at start", { timeout: 120_000 }, () => {
  const mode = (p: string) => statSync(p).mode & 0o777;
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), "herald-datadir-"));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it(
    "a new install: the data directory is 0700; the database, " + "the generated secret and the saved snapshots 0600",
    async () => {
      const dataDir = path.join(root, "new", "data");
      const server = await startServer({ dataDir });
      try {
        expect((await fetch(`${server.url}/`)).status).toBe(200);
        const snapshots = path.join(dataDir, "snapshots.json");
        await until("data/snapshots.json", () => existsSync(snapshots) || undefined);
        expect(mode(dataDir)).toBe(0o700);
        expect(mode(path.join(dataDir, "herald.db"))).toBe(0o600);
        expect(mode(path.join(dataDir, "secret"))).toBe(0o600);
        expect(mode(snapshots)).toBe(0o600);
      } finally {
        await server.stop();
      }
    },
  );

  it("an existing install with world-readable files is tightened when it starts", async () => {
    const dataDir = path.join(root, "old");
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const files = {
      db: path.join(dataDir, "herald.db"),
      secret: path.join(dataDir, "secret"),
      snapshots: path.join(dataDir, "snapshots.json"),
    };
    writeFileSync(files.db, "");
    writeFileSync(files.secret, "an-older-install-secret-of-enough-length-0123456789\n");
    writeFileSync(files.snapshots, JSON.stringify({ buildId: "older", entries: [] }));
    for (const f of Object.values(files)) chmodSync(f, 0o644);
    const server = await startServer({ dataDir });
    try {
      expect(mode(dataDir)).toBe(0o700);
      expect([mode(files.db), mode(files.secret), mode(files.snapshots)]).toEqual([0o600, 0o600, 0o600]);
    } finally {
      await server.stop();
    }
  });
});
