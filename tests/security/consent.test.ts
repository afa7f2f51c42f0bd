import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Role } from "@/db/constants";
import { actor, createTestCtx } from "@/tests/helpers/test-db";
import { auditLog, notification } from "@/db/schema";
import { listOutbox } from "@/lib/email/outbox";
import { addSubscriber, importSubscribersCsv, maySkipConfirmation } from "@/lib/subscribers/admin";
import { runDueWork } from "@/lib/worker/run";
import { deps, outboxMailer, SECRET } from "../email/helpers";

// Consent (issue 10, item 6): only owners and admins may add a subscriber who
// never confirmed. The console form, the CSV import and the v1 API all go
// through these use cases.
let t: Awaited<ReturnType<typeof createTestCtx>>;
beforeEach(async () => {
  t = await createTestCtx();
  t.clock.set(new Date());
});
afterEach(() => t.close());

const drain = () => runDueWork({ db: t.db, now: t.clock.now }, deps(outboxMailer(t.db)), { budgetMs: 10_000 });
const mailsTo = async (to: string) => (await listOutbox(t.db, { q: to })).filter((i) => i.to === to).length;
const confirmations = () => t.db.$count(notification, eq(notification.kind, "subscription_confirmation"));

describe("skipping confirmation", () => {
  it("is allowed to owners and admins only", () => {
    expect((["owner", "admin", "editor", "viewer"] as Role[]).map((r) => maySkipConfirmation(actor(r)))).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });

  it(
    "an editor asking to skip still adds the address, " +
      "unconfirmed, with a confirmation email; the audit row says " +
      "so",
    async () => {
      const s = await addSubscriber(t.as("editor"), SECRET, { email: "ed@example.com", skipConfirmation: true });
      expect(s).toMatchObject({ state: "unconfirmed", confirmedAt: null });
      expect(await confirmations()).toBe(1);
      const [row] = await t.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, "subscriber.add"), eq(auditLog.entityId, s.id)));
      expect(row.after).toEqual({ email: "ed@example.com", state: "unconfirmed" });
      await drain();
      expect(await mailsTo("ed@example.com")).toBe(1);
    },
  );

  it.each(["owner", "admin"] as const)("an %s skipping gets an active subscriber and no email", async (role) => {
    const s = await addSubscriber(t.as(role), SECRET, { email: `${role}@example.com`, skipConfirmation: true });
    expect(s.state).toBe("active");
    expect(s.confirmedAt).not.toBeNull();
    expect(await confirmations()).toBe(0);
    await drain();
    expect(await mailsTo(`${role}@example.com`)).toBe(0);
  });

  it(
    "a CSV import without confirmation makes the rows active " + "only for an admin; editors may not import at all",
    async () => {
      expect(
        await importSubscribersCsv(t.as("admin"), SECRET, "a1@example.com\na2@example.com\n", { confirm: false }),
      ).toEqual({ added: 2, skipped: 0, invalid: [] });
      expect(await confirmations()).toBe(0);
      await expect(
        importSubscribersCsv(t.as("editor"), SECRET, "e1@example.com\n", { confirm: false }),
      ).rejects.toThrow(/admin role/);
      const [row] = await t.db.select().from(auditLog).where(eq(auditLog.action, "subscriber.import"));
      expect(row.after).toMatchObject({ added: 2, confirm: false });
    },
  );
});
