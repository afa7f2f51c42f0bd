import Papa from "papaparse";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { parseCsv, toCsv } from "@/lib/csv";
import { addSubscriber, exportSubscribersCsv, importSubscribersCsv, listSubscribers } from "@/lib/subscribers/admin";
import { SECRET } from "../email/helpers";

// Formula injection (issue 10, item 6): a spreadsheet runs a cell starting
// with = + - @ tab or CR. Every export goes through lib/csv.ts.
describe("toCsv", () => {
  it.each(["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://evil")\nsecond line'])(
    "escapes %j",
    (cell) => {
      const [, row] = Papa.parse<string[]>(toCsv(["v"], [[cell]])).data;
      expect(row[0]).toBe(`'${cell}`);
    },
  );

  it("leaves ordinary text and numbers (negative ones too) alone, and parseCsv restores an escaped cell", () => {
    const csv = toCsv(["a", "b", "c"], [["plain", -5, "a=b"]]);
    expect(csv).toBe("a,b,c\r\nplain,-5,a=b");
    expect(parseCsv(toCsv(["a"], [["-x@example.com"], ["'plain"]]))).toEqual([["a"], ["-x@example.com"], ["'plain"]]);
  });
});

describe("subscriber export", () => {
  let t: Awaited<ReturnType<typeof createTestCtx>>;
  beforeEach(async () => {
    t = await createTestCtx();
  });
  afterEach(() => t.close());

  it("escapes an address that starts a formula, and re-imports it as the same address", async () => {
    await addSubscriber(t.ctx, SECRET, { email: "-2+3@example.com", skipConfirmation: true });
    await addSubscriber(t.ctx, SECRET, { email: "+cmd@example.com", skipConfirmation: true });
    const csv = await exportSubscribersCsv(t.ctx);
    const cells = Papa.parse<string[]>(csv.trim())
      .data.slice(1)
      .map((r) => r[0]);
    expect(cells.sort()).toEqual(["'+cmd@example.com", "'-2+3@example.com"]);

    const other = await createTestCtx();
    try {
      expect(await importSubscribersCsv(other.ctx, SECRET, csv, { confirm: false })).toEqual({
        added: 2,
        skipped: 0,
        invalid: [],
      });
      expect((await listSubscribers(other.ctx)).subscribers.map((s) => s.email).sort()).toEqual([
        "+cmd@example.com",
        "-2+3@example.com",
      ]);
    } finally {
      other.close();
    }
  });
});
