import { afterEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { page } from "@/db/schema";
import { updatePage } from "../page/page";
import { rollOverUptimeDay } from "./rollover";

let close: (() => void) | undefined;
afterEach(() => close?.());

describe("rollOverUptimeDay", () => {
  it("bumps the content version once at each local midnight of the page", async () => {
    const t = await createTestCtx();
    close = t.close;
    const version = async () => (await t.db.select({ v: page.contentVersion }).from(page).get())!.v;
    // A new page starts on today's UTC day: nothing to roll over yet in UTC.
    await updatePage(t.ctx, { timeZone: "UTC" });
    expect(await rollOverUptimeDay(t.ctx)).toBe(0);
    // 2026-03-01 12:00Z is 22:00 in Brisbane: still 2026-03-01 there too.
    await updatePage(t.ctx, { timeZone: "Australia/Brisbane" });
    expect(await rollOverUptimeDay(t.ctx)).toBe(0);
    const v = await version();
    t.clock.set(new Date("2026-03-01T13:59:00Z"));
    expect(await rollOverUptimeDay(t.ctx)).toBe(0);
    t.clock.set(new Date("2026-03-01T14:00:00Z")); // local midnight
    const [a, b] = await Promise.all([rollOverUptimeDay(t.ctx), rollOverUptimeDay(t.ctx)]);
    expect(a + b).toBe(1);
    expect(await version()).toBe(v + 1);
  });
});
