// Audiences, viewer sign-in and notifications as lib use cases on a real
// SQLite file (no server): magic links are single use, expire and are
// limited; the page password is hashed and limited; subscribers follow
// audiences; every console change is audited and bumps the content version.
import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  auditLog,
  channelDelivery,
  delivery,
  notification,
  outboxEmail,
  subscriber,
  viewerMagicLink,
  viewerSettings,
} from "../../db/schema";
import {
  addMembers,
  createAudience,
  membersFromCsv,
  removeMember,
  listMembers,
  setRestriction,
} from "../../lib/audiences/audiences";
import { createComponent } from "../../lib/components/components";
import { createOutboxMailer } from "../../lib/email/outbox";
import { createIncident, postIncidentUpdate } from "../../lib/incidents/incidents";
import { runDueWork } from "../../lib/worker/run";
import { deps as emailDeps } from "../email/helpers";
import { getContentVersion, getPage } from "../../lib/page/page";
import { loadViewerAccess, decideAccess } from "../../lib/viewers/access";
import { signViewerSession } from "../../lib/viewers/session";
import { checkPagePassword, consumeMagicLink, MAGIC_LINK_TTL_MS, requestMagicLink } from "../../lib/viewers/sign-in";
import { createViewerToken, revokeViewerToken, updateViewerSettings } from "../../lib/viewers/settings";
import { addChannelTarget } from "../../lib/subscribers/channels";
import { followIncident, subscribe } from "../../lib/subscribers/subscribe";
import { addSubscriber } from "../helpers/db-state";
import { createTestCtx } from "../helpers/test-db";

let t: Awaited<ReturnType<typeof createTestCtx>>;
let enterpriseId: string;
const mailer = () => createOutboxMailer(t.db, t.clock.now);
const deps = () => ({
  mailer: mailer(),
  fallbackUrl: "https://status.example.com",
  from: "Status <status@example.com>",
});
const linkOf = async (to: string) => {
  const rows = await t.db.select().from(outboxEmail).where(eq(outboxEmail.toAddress, to));
  const m = /token=([A-Za-z0-9_-]+)/.exec(rows.at(-1)?.text ?? "");
  return m?.[1] ?? null;
};

beforeAll(async () => {
  t = await createTestCtx("owner");
  enterpriseId = (await createAudience(t.ctx, { name: "Enterprise customers" })).id;
  await addMembers(t.ctx, { audienceId: enterpriseId, emails: ["boss@bigco.example", "@bigcorp.example"] });
  await updateViewerSettings(t.ctx, {
    visibility: "private",
    magicLinkEnabled: true,
    allowedDomains: "partner.example",
    ipAllowList: "10.1.0.0/16",
    password: "hunter2hunter2",
  });
});
afterAll(() => t.close());

describe("magic links", () => {
  it("are sent to members, their domains and allowed domains, and to nobody else (with the same answer)", async () => {
    for (const email of [
      "boss@bigco.example",
      "anyone@bigcorp.example",
      "guest@partner.example",
      "stranger@elsewhere.example",
    ])
      expect(await requestMagicLink(t.ctx, { email, ip: `192.0.2.${email.length}` }, deps())).toEqual({ kind: "sent" });
    expect(await linkOf("boss@bigco.example")).not.toBeNull();
    expect(await linkOf("anyone@bigcorp.example")).not.toBeNull();
    expect(await linkOf("guest@partner.example")).not.toBeNull();
    expect(await linkOf("stranger@elsewhere.example")).toBeNull();
    // Stored hashed: the emailed token is nowhere in the table.
    const token = (await linkOf("boss@bigco.example"))!;
    const rows = await t.db.select().from(viewerMagicLink);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it("work once", async () => {
    const token = (await linkOf("anyone@bigcorp.example"))!;
    expect(await consumeMagicLink(t.ctx, token)).toBe("anyone@bigcorp.example");
    expect(await consumeMagicLink(t.ctx, token)).toBeNull();
    expect(await consumeMagicLink(t.ctx, "made-up")).toBeNull();
  });

  it("expire", async () => {
    const token = (await linkOf("guest@partner.example"))!;
    t.clock.advance(MAGIC_LINK_TTL_MS + 1);
    expect(await consumeMagicLink(t.ctx, token)).toBeNull();
  });

  it("are limited per address and per client address (429 material), counted before anything is sent", async () => {
    const limits = { linksPerAddress: 2, linksPerClient: 3, passwordPerClient: 10 };
    const ask = (email: string, ip: string) => requestMagicLink(t.ctx, { email, ip }, { ...deps(), limits });
    t.clock.advance(60 * 60_000);
    expect((await ask("boss@bigco.example", "198.51.100.1")).kind).toBe("sent");
    expect((await ask("boss@bigco.example", "198.51.100.2")).kind).toBe("sent");
    const third = await ask("boss@bigco.example", "198.51.100.3");
    expect(third.kind).toBe("limited");
    expect(third.kind === "limited" && third.retryAfterMs).toBeGreaterThan(0);
    // Per client: one address after another from one client.
    expect((await ask("a@bigcorp.example", "198.51.100.9")).kind).toBe("sent");
    expect((await ask("b@bigcorp.example", "198.51.100.9")).kind).toBe("sent");
    expect((await ask("c@bigcorp.example", "198.51.100.9")).kind).toBe("sent");
    expect((await ask("d@bigcorp.example", "198.51.100.9")).kind).toBe("limited");
    expect(await linkOf("d@bigcorp.example")).toBeNull();
  });

  it("stop working when the address leaves the audience", async () => {
    t.clock.advance(60 * 60_000);
    await requestMagicLink(t.ctx, { email: "boss@bigco.example", ip: "203.0.113.5" }, deps());
    const token = (await linkOf("boss@bigco.example"))!;
    const member = (await listMembers(t.db, enterpriseId)).find((m) => m.email === "boss@bigco.example")!;
    await removeMember(t.ctx, { audienceId: enterpriseId, memberId: member.id });
    expect(await consumeMagicLink(t.ctx, token)).toBeNull();
    await addMembers(t.ctx, { audienceId: enterpriseId, emails: ["boss@bigco.example"] });
  });
});

describe("page password, sessions, tokens and the IP allow-list", () => {
  it("stores the password hashed and checks it, limited per client", async () => {
    const row = await t.db.select().from(viewerSettings).get();
    expect(row!.passwordHash).toMatch(/^scrypt\$/);
    expect(row!.passwordHash).not.toContain("hunter2");
    expect((await checkPagePassword(t.ctx, { password: "hunter2hunter2", ip: "192.0.2.50" })).kind).toBe("ok");
    expect((await checkPagePassword(t.ctx, { password: "wrong", ip: "192.0.2.50" })).kind).toBe("wrong");
    const limits = { linksPerAddress: 3, linksPerClient: 10, passwordPerClient: 2 };
    await checkPagePassword(t.ctx, { password: "x", ip: "192.0.2.51" }, limits);
    await checkPagePassword(t.ctx, { password: "x", ip: "192.0.2.51" }, limits);
    expect((await checkPagePassword(t.ctx, { password: "hunter2hunter2", ip: "192.0.2.51" }, limits)).kind).toBe(
      "limited",
    );
  });

  it("decides access without the database: sessions by epoch, revocable tokens, allow-listed addresses", async () => {
    const pageId = (await getPage(t.db)).id;
    const secret = "s".repeat(40);
    let access = await loadViewerAccess(t.db, pageId);
    const now = t.clock.now().getTime();
    const cookie = (subject: Parameters<typeof signViewerSession>[0]["subject"], epoch = access.sessionEpoch) =>
      `herald_viewer=${signViewerSession({ subject, epoch, exp: now + 60_000 }, secret)}`;
    const req = (over: Partial<Parameters<typeof decideAccess>[1]>) => ({
      cookie: undefined,
      token: null,
      ip: () => "192.0.2.1",
      ...over,
    });
    expect(decideAccess(access, req({}), secret, now)).toEqual({ kind: "denied", reason: "sign_in" });
    expect(decideAccess(access, req({ ip: () => "10.1.2.3" }), secret, now)).toEqual({
      kind: "view",
      key: "",
      signedIn: true,
    });
    expect(
      decideAccess(access, req({ cookie: cookie({ kind: "email", email: "boss@bigco.example" }) }), secret, now),
    ).toEqual({ kind: "view", key: enterpriseId, signedIn: true });
    expect(
      decideAccess(access, req({ cookie: cookie({ kind: "email", email: "x@bigcorp.example" }) }), secret, now),
    ).toEqual({ kind: "view", key: enterpriseId, signedIn: true });
    expect(decideAccess(access, req({ cookie: cookie({ kind: "password" }) }), secret, now).kind).toBe("view");
    // Signed with another secret, or expired: anonymous.
    expect(
      decideAccess(access, req({ cookie: cookie({ kind: "password" }).replace(/.{4}$/, "AAAA") }), "t".repeat(40), now)
        .kind,
    ).toBe("denied");
    expect(decideAccess(access, req({ cookie: cookie({ kind: "password" }) }), secret, now + 120_000).kind).toBe(
      "denied",
    );
    // A new password signs everyone out.
    const old = cookie({ kind: "password" });
    await updateViewerSettings(t.ctx, {
      visibility: "private",
      magicLinkEnabled: true,
      allowedDomains: "partner.example",
      ipAllowList: "10.1.0.0/16",
      password: "another-password",
    });
    access = await loadViewerAccess(t.db, pageId);
    expect(decideAccess(access, req({ cookie: old }), secret, now).kind).toBe("denied");
    // Tokens: valid until revoked.
    const { id, token } = await createViewerToken(t.ctx, { email: "boss@bigco.example" });
    access = await loadViewerAccess(t.db, pageId);
    expect(decideAccess(access, req({ token }), secret, now)).toEqual({
      kind: "view",
      key: enterpriseId,
      signedIn: true,
    });
    await revokeViewerToken(t.ctx, { id });
    access = await loadViewerAccess(t.db, pageId);
    expect(decideAccess(access, req({ token }), secret, now)).toEqual({ kind: "denied", reason: "bad_token" });
  });

  it("refuses bad settings without changing anything", async () => {
    const before = await getContentVersion(t.db);
    await expect(
      updateViewerSettings(t.ctx, {
        visibility: "private",
        magicLinkEnabled: true,
        allowedDomains: "",
        ipAllowList: "10.0.0.0/99",
      }),
    ).rejects.toThrow(/CIDR/);
    await expect(
      updateViewerSettings(t.ctx, {
        visibility: "private",
        magicLinkEnabled: true,
        allowedDomains: "not a domain",
        ipAllowList: "",
      }),
    ).rejects.toThrow(/domain/);
    await expect(
      updateViewerSettings(t.as("editor"), {
        visibility: "public",
        magicLinkEnabled: false,
        allowedDomains: "",
        ipAllowList: "",
      }),
    ).rejects.toThrow(/admin/);
    expect(await getContentVersion(t.db)).toBe(before);
  });
});

describe("members and restrictions", () => {
  it("imports members from CSV (header, formula-escaped cells), reports bad rows and adds nothing then", async () => {
    expect(membersFromCsv("email\nA@Example.com\n'@example.org\n")).toEqual(["a@example.com", "@example.org"]);
    expect(() => membersFromCsv("email\nok@example.com\nnot-an-address\n")).toThrow(/row 2/);
  });

  it("audits every change and bumps the content version", async () => {
    const v0 = await getContentVersion(t.db);
    const c = await createComponent(t.ctx, { name: "Dedicated cluster" });
    await setRestriction(t.ctx, { entityType: "component", entityId: c.id, audienceIds: [enterpriseId] });
    expect(await getContentVersion(t.db)).toBeGreaterThan(v0 + 1);
    const rows = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "component.restrict"), eq(auditLog.entityId, c.id)));
    expect(rows).toHaveLength(1);
    expect(rows[0].after).toEqual({ audiences: [enterpriseId] });
  });
});

describe("subscribers follow audiences", () => {
  it("a private page takes subscriptions only from those who may read it (others: same answer, no email)", async () => {
    const pageId = (await getPage(t.db)).id;
    const cfg = { secret: "x".repeat(40), limits: { perAddress15m: 0, perAddressDay: 0, perIpHour: 0, globalHour: 0 } };
    const ask = (email: string) =>
      subscribe(t.ctx, pageId, { email, componentIds: [], honeypot: "", ip: "192.0.2.77" }, cfg);
    expect(await ask("stranger@elsewhere.example")).toBe("suppressed");
    expect(await ask("member@bigcorp.example")).toBe("confirmation_queued");
  });

  it("a restricted incident is followed only by its audiences' members; to others it does not exist", async () => {
    const pageId = (await getPage(t.db)).id;
    const cfg = { secret: "x".repeat(40), limits: { perAddress15m: 0, perAddressDay: 0, perIpHour: 0, globalHour: 0 } };
    const secret = await createIncident(t.ctx, { name: "Follow-me failover", body: "…", audienceIds: [enterpriseId] });
    const ask = (email: string) =>
      followIncident(t.ctx, pageId, { email, incidentId: secret.incident.id, honeypot: "", ip: "192.0.2.78" }, cfg);
    // May read the page (an allowed domain), is no member of the incident's audience.
    expect(await ask("guest2@partner.example")).toBe("no_incident");
    expect(await t.db.select().from(subscriber).where(eq(subscriber.email, "guest2@partner.example"))).toEqual([]);
    expect(await ask("ceo@bigcorp.example")).toBe("confirmation_queued");
    const [ceo] = await t.db.select().from(subscriber).where(eq(subscriber.email, "ceo@bigcorp.example"));
    expect(ceo.state).toBe("unconfirmed");
  });

  it("a restricted incident notifies only its audience's subscribers; a public one reaches everyone", async () => {
    const pageId = (await getPage(t.db)).id;
    await addSubscriber(t.db, pageId, "boss@bigco.example", "active");
    await addSubscriber(t.db, pageId, "cfo@bigcorp.example", "active");
    await addSubscriber(t.db, pageId, "public@elsewhere.example", "active");
    const recipients = async (incidentId: string) => {
      const rows = await t.db
        .select({ email: subscriber.email })
        .from(delivery)
        .innerJoin(notification, eq(notification.id, delivery.notificationId))
        .innerJoin(subscriber, eq(subscriber.id, delivery.subscriberId))
        .where(eq(notification.incidentId, incidentId));
      return rows.map((r) => r.email).sort();
    };
    const secret = await createIncident(t.ctx, {
      name: "Shard failover",
      body: "…",
      notify: true,
      audienceIds: [enterpriseId],
    });
    expect(await recipients(secret.incident.id)).toEqual(["boss@bigco.example", "cfo@bigcorp.example"]);
    const open = await createIncident(t.ctx, { name: "Everyone", body: "…", notify: true });
    expect(await recipients(open.incident.id)).toEqual([
      "boss@bigco.example",
      "cfo@bigcorp.example",
      "public@elsewhere.example",
    ]);
    // Only restricted components affected: the event belongs to their audiences.
    const restricted = await createComponent(t.ctx, { name: "Enterprise-only box" });
    await setRestriction(t.ctx, { entityType: "component", entityId: restricted.id, audienceIds: [enterpriseId] });
    const byComponent = await createIncident(t.ctx, {
      name: "Box down",
      body: "…",
      notify: true,
      components: { [restricted.id]: "major_outage" },
    });
    expect(await recipients(byComponent.incident.id)).toEqual(["boss@bigco.example", "cfo@bigcorp.example"]);

    // An update posted with an internal note (the console's form) notifies everyone with its public text only:
    // the note reaches no email, not even its own audience's.
    const NOTE = "NOTE-ONLY-FOR-ENTERPRISE-VIEWERS";
    await postIncidentUpdate(t.ctx, {
      incidentId: open.incident.id,
      status: "monitoring",
      body: "A fix is rolling out.",
      notify: true,
      note: { body: NOTE, audienceIds: [enterpriseId] },
    });
    await runDueWork({ db: t.db, now: t.clock.now }, emailDeps(createOutboxMailer(t.db)), { budgetMs: 10_000 });
    const sent = await t.db.select().from(outboxEmail).where(like(outboxEmail.text, "%A fix is rolling out.%"));
    expect(sent.map((m) => m.toAddress).sort()).toEqual([...new Set(await recipients(open.incident.id))]);
    for (const m of sent) expect(`${m.subject}${m.html}${m.text}`).not.toContain(NOTE);
    // Emails name only the components their readers may see: a public incident that also hit an Enterprise-only
    // component does not name it to everyone; an incident restricted to Enterprise names it to Enterprise.
    const shared = await createComponent(t.ctx, { name: "Shared API" });
    await createIncident(t.ctx, {
      name: "Mixed outage",
      body: "…",
      notify: true,
      components: { [shared.id]: "degraded_performance", [restricted.id]: "major_outage" },
    });
    await createIncident(t.ctx, {
      name: "Enterprise box outage",
      body: "…",
      notify: true,
      audienceIds: [enterpriseId],
      components: { [restricted.id]: "major_outage" },
    });
    await runDueWork({ db: t.db, now: t.clock.now }, emailDeps(createOutboxMailer(t.db)), { budgetMs: 10_000 });
    const mails = (name: string) =>
      t.db
        .select()
        .from(outboxEmail)
        .where(like(outboxEmail.subject, `%${name}%`));
    const mixed = await mails("Mixed outage");
    expect(mixed).toHaveLength(3);
    for (const m of mixed) {
      expect(m.text).toContain("Shared API");
      expect(`${m.html}${m.text}`).not.toContain("Enterprise-only box");
    }
    const own = await mails("Enterprise box outage");
    expect(own.map((m) => m.toAddress).sort()).toEqual(["boss@bigco.example", "cfo@bigcorp.example"]);
    for (const m of own) expect(m.text).toContain("Enterprise-only box");
    // A note needs an audience: nothing is posted without one.
    await expect(
      postIncidentUpdate(t.ctx, {
        incidentId: open.incident.id,
        status: "monitoring",
        body: "Half a post",
        note: { body: "x", audienceIds: [] },
      }),
    ).rejects.toThrow(/at least one audience/);
  });

  it("an incident restricted after its notice was queued: what is pending goes to its audience only", async () => {
    const env = { secret: "x".repeat(40), policy: { allowHttp: true, allowPrivate: true }, baseUrl: "", timeoutMs: 1 };
    await addChannelTarget(t.ctx, env, { kind: "webhook", url: "http://127.0.0.1:9/team-hook" });
    const inc = await createIncident(t.ctx, { name: "Said too widely", body: "…", notify: true });
    const hooks = async () =>
      (
        await t.db
          .select({ status: channelDelivery.status })
          .from(channelDelivery)
          .innerJoin(notification, eq(notification.id, channelDelivery.notificationId))
          .where(eq(notification.incidentId, inc.incident.id))
      ).map((r) => r.status);
    expect(await hooks()).toEqual(["pending"]);
    const statuses = async () =>
      Object.fromEntries(
        (
          await t.db
            .select({ email: subscriber.email, status: delivery.status })
            .from(delivery)
            .innerJoin(notification, eq(notification.id, delivery.notificationId))
            .innerJoin(subscriber, eq(subscriber.id, delivery.subscriberId))
            .where(eq(notification.incidentId, inc.incident.id))
        ).map((r) => [r.email, r.status]),
      );
    expect(Object.values(await statuses())).toContain("pending");
    expect(Object.values(await statuses()).every((s) => s === "pending")).toBe(true);
    await setRestriction(t.ctx, { entityType: "incident", entityId: inc.incident.id, audienceIds: [enterpriseId] });
    expect(await statuses()).toMatchObject({
      "boss@bigco.example": "pending",
      "cfo@bigcorp.example": "pending",
      "public@elsewhere.example": "skipped",
    });
    expect(await hooks()).toEqual(["skipped"]);
    await runDueWork({ db: t.db, now: t.clock.now }, emailDeps(createOutboxMailer(t.db)), { budgetMs: 10_000 });
    const sent = await t.db.select().from(outboxEmail).where(like(outboxEmail.subject, "%Said too widely%"));
    expect(sent.map((m) => m.toAddress).sort()).toEqual(["boss@bigco.example", "cfo@bigcorp.example"]);
  });
});
