import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_ACTOR } from "@/lib/context";
import { createIncident } from "@/lib/incidents/incidents";
import { startServer, type RunningServer } from "../helpers/server";
import { until } from "../helpers/wait";

const CRON = "cron-secret-0123456789abcdef";
const WEBHOOK = `whsec_${Buffer.from("webhook-secret-0123456789abcdef").toString("base64")}`;

describe("email routes on the real server", () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({
      env: { HERALD_CRON_SECRET: CRON, RESEND_WEBHOOK_SECRET: WEBHOOK, HERALD_WORKER_INTERVAL_MS: "200" },
    });
  });
  afterAll(() => server.stop());

  const post = (path: string, form: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { method: "POST", body: new URLSearchParams(form), redirect: "manual", headers });
  const rows = <T>(q: ReturnType<typeof sql>) => server.db.all<T>(q);

  it(
    "answers every subscribe the same way, and the in-process " + "worker puts the confirmation in the outbox",
    async () => {
      const answers = [];
      for (const email of ["new@example.com", "new@example.com", "other@example.com"]) {
        const res = await post(
          "/subscriptions/new",
          { email, website: "" },
          { "x-forwarded-for": `203.0.113.${answers.length}` },
        );
        answers.push([res.status, res.headers.get("location"), await res.text()]);
      }
      expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
      expect(answers[0][0]).toBe(303);
      expect(answers[0][1]).toBe("/subscriptions/check-email");
      const mail = await until(
        "the confirmation email",
        async () =>
          (await rows<{ text: string }>(sql`select text from outbox_email where to_address = 'new@example.com'`))[0],
      );
      expect(mail.text).toMatch(/\/subscriptions\/confirm\?token=/);
    },
  );

  it("scanner GETs and HEADs on confirm, unsubscribe and one-click links change nothing", async () => {
    const { text } = (
      await rows<{ text: string }>(sql`select text from outbox_email where to_address = 'new@example.com'`)
    )[0];
    const confirm = /confirm\?token=([A-Za-z0-9_-]{43})/.exec(text)![1];
    const manage = /unsubscribe\?token=([A-Za-z0-9_-]{43})/.exec(text)![1];
    for (const path of [
      `/subscriptions/confirm?token=${confirm}`,
      `/subscriptions/unsubscribe?token=${manage}`,
      `/subscriptions/one-click?token=${manage}`,
      `/subscriptions/manage?token=${manage}`,
    ]) {
      for (const method of ["GET", "HEAD"])
        expect((await fetch(`${server.url}${path}`, { method })).status).toBeLessThan(400);
    }
    expect(
      (await rows<{ state: string }>(sql`select state from subscriber where email = 'new@example.com'`))[0].state,
    ).toBe("unconfirmed");
    const page = await (await fetch(`${server.url}/subscriptions/confirm?token=${confirm}`)).text();
    expect(page).toContain("Confirm subscription");
    const res = await post("/subscriptions/confirm/submit", { token: confirm });
    expect(res.headers.get("location")).toBe("/subscriptions/done?what=confirmed");
    expect(
      (await rows<{ state: string }>(sql`select state from subscriber where email = 'new@example.com'`))[0].state,
    ).toBe("active");
    // RFC 8058 one-click: a cookieless POST with the token in the URL.
    const oneClick = await fetch(`${server.url}/subscriptions/one-click?token=${manage}`, {
      method: "POST",
      body: "List-Unsubscribe=One-Click",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(oneClick.status).toBe(200);
    expect(
      (await rows<{ state: string }>(sql`select state from subscriber where email = 'new@example.com'`))[0].state,
    ).toBe("unsubscribed");
  });

  it("/api/cron: 401 without credentials, 403 with a wrong secret, runs with the right one", async () => {
    expect((await fetch(`${server.url}/api/cron`)).status).toBe(401);
    expect(
      (await fetch(`${server.url}/api/cron`, { headers: { authorization: "Bearer wrong-secret-0123456789" } })).status,
    ).toBe(403);
    const ok = await fetch(`${server.url}/api/cron`, { headers: { authorization: `Bearer ${CRON}` } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true });
  });

  it("/api/webhooks/resend: a forged signature is refused; a signed complaint quarantines the address", async () => {
    await post("/subscriptions/new", { email: "angry@example.com" }, { "x-forwarded-for": "198.51.100.7" });
    await until(
      "the subscriber",
      async () => (await rows<{ id: string }>(sql`select id from subscriber where email = 'angry@example.com'`))[0],
    );
    const payload = JSON.stringify({
      type: "email.complained",
      created_at: new Date().toISOString(),
      data: {
        email_id: "x",
        to: ["angry@example.com"],
        from: "a@b.c",
        subject: "s",
        created_at: new Date().toISOString(),
      },
    });
    const forged = await fetch(`${server.url}/api/webhooks/resend`, {
      method: "POST",
      body: payload,
      headers: {
        "svix-id": "msg_1",
        "svix-timestamp": String(Math.floor(Date.now() / 1000)),
        "svix-signature": "v1,AAAA",
      },
    });
    expect(forged.status).toBe(401);
    const id = "msg_2";
    const now = new Date();
    const signature = new Webhook(WEBHOOK).sign(id, now, payload);
    const res = await fetch(`${server.url}/api/webhooks/resend`, {
      method: "POST",
      body: payload,
      headers: {
        "svix-id": id,
        "svix-timestamp": String(Math.floor(now.getTime() / 1000)),
        "svix-signature": signature,
      },
    });
    expect(res.status).toBe(200);
    expect(
      (await rows<{ state: string }>(sql`select state from subscriber where email = 'angry@example.com'`))[0].state,
    ).toBe("quarantined");
  });

  it(
    "follow this incident: the incident page's plain form " +
      "answers like subscribe, then the confirmed follower can " +
      "pause from the manage page",
    async () => {
      const { incident } = await createIncident(
        { db: server.db, now: () => new Date(), actor: CLI_ACTOR },
        { name: "Queue delays", body: "Looking.", notify: false },
      );
      // Written outside the server (like the CLI): it shows once the server's version poll sees it.
      const html = await until("the incident page", async () => {
        const res = await fetch(`${server.url}/incidents/${incident.id}`);
        return res.status === 200 ? res.text() : undefined;
      });
      expect(html).toContain('action="/subscriptions/follow"');
      expect(html).toContain(`name="incident" value="${incident.id}"`);
      const answers = [];
      for (const [email, id] of [
        ["follower@example.com", incident.id],
        ["follower@example.com", incident.id],
        ["x@example.com", "nosuchincident"],
      ]) {
        const res = await post(
          "/subscriptions/follow",
          { email, incident: id, website: "" },
          { "x-forwarded-for": `192.0.2.${answers.length}` },
        );
        answers.push([res.status, res.headers.get("location"), await res.text()]);
      }
      expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
      expect(answers[0].slice(0, 2)).toEqual([303, "/subscriptions/check-email"]);
      const mail = await until(
        "the follower's confirmation email",
        async () =>
          (
            await rows<{ text: string }>(sql`select text from outbox_email where to_address = 'follower@example.com'`)
          )[0],
      );
      expect(
        await rows(
          sql`select s.incident_only, si.incident_id from subscriber s join subscriber_incident si on si.subscriber_id
          = s.id where s.email = 'follower@example.com'`,
        ),
      ).toEqual([{ incident_only: 1, incident_id: incident.id }]);
      const confirm = /confirm\?token=([A-Za-z0-9_-]{43})/.exec(mail.text)![1];
      const manage = /unsubscribe\?token=([A-Za-z0-9_-]{43})/.exec(mail.text)![1];
      await post("/subscriptions/confirm/submit", { token: confirm });
      const page = await (await fetch(`${server.url}/subscriptions/manage?token=${manage}`)).text();
      expect(page).toContain("Queue delays");
      expect(page).toContain("Pause updates");
      const paused = await post("/subscriptions/manage/pause", { token: manage, paused: "1" });
      expect(paused.headers.get("location")).toBe("/subscriptions/done?what=paused");
      expect(
        (
          await rows<{ paused_at: number | null }>(
            sql`select paused_at from subscriber where email = 'follower@example.com'`,
          )
        )[0].paused_at,
      ).toBeGreaterThan(0);
      expect(await (await fetch(`${server.url}/subscriptions/manage?token=${manage}`)).text()).toContain(
        "Resume updates",
      );
      await post("/subscriptions/manage/pause", { token: manage, paused: "0" });
      expect(
        (
          await rows<{ paused_at: number | null }>(
            sql`select paused_at from subscriber where email = 'follower@example.com'`,
          )
        )[0].paused_at,
      ).toBeNull();
    },
  );

  it("never logs link tokens", async () => {
    const tokens = (await rows<{ text: string }>(sql`select text from outbox_email`)).flatMap((r) =>
      [...r.text.matchAll(/token=([A-Za-z0-9_-]{43})/g)].map((m) => m[1]),
    );
    expect(tokens.length).toBeGreaterThan(0);
    for (const tk of tokens) expect(server.output()).not.toContain(tk);
  });
});
