import { afterEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { createComponent } from "../components/components";
import { getPage } from "../page/page";
import {
  createTemplate,
  deleteTemplate,
  fillTemplate,
  listTemplates,
  mergeTemplate,
  placeholderValues,
  unfilledPlaceholders,
  updateTemplate,
} from "./templates";

let close: (() => void) | undefined;
afterEach(() => close?.());

describe("fillTemplate", () => {
  const values = { component: "API", components: "API, Web", page: "Acme", time: "14:05 UTC", date: "2026-03-01" };

  it("substitutes the fixed placeholders", () => {
    expect(
      fillTemplate("{{component}} is down on {{page}} since {{time}} ({{date}}); affected: {{components}}", values),
    ).toBe("API is down on Acme since 14:05 UTC (2026-03-01); affected: API, Web");
  });

  it("leaves expressions, unknown names and JS interpolation literal", () => {
    const text = "{{7*7}} {{x}} ${process.env.HOME} {{ component }} {{constructor}} {{__proto__}} #{1+1} <%= 1 %>";
    expect(fillTemplate(text, values)).toBe(text);
  });

  it("inserts values verbatim and never re-scans them", () => {
    expect(fillTemplate("{{component}}", { component: "{{page}} $& $1", page: "P" })).toBe("{{page}} $& $1");
  });

  it("leaves a placeholder without a value as written", () => {
    expect(fillTemplate("{{incident}} / {{component}}", { page: "x" })).toBe("{{incident}} / {{component}}");
  });

  it("builds values in the page's zone", () => {
    const v = placeholderValues({
      pageName: "Acme",
      timeZone: "Australia/Brisbane",
      now: new Date("2026-03-01T14:30:00Z"),
      componentNames: ["API", "Web"],
    });
    expect(v).toMatchObject({ page: "Acme", date: "2026-03-02", component: "API", components: "API, Web" });
    expect(v.time).toMatch(/^00:30 /);
  });
});

describe("template CRUD", () => {
  it("creates, lists, edits and deletes, checking components and roles", async () => {
    const t = await createTestCtx();
    close = t.close;
    const c = await createComponent(t.ctx, { name: "API" });
    const p = await getPage(t.db);
    const tpl = await createTemplate(t.ctx, {
      name: "Outage",
      title: "{{component}} outage",
      body: "We are investigating.",
      status: "investigating",
      components: { [c.id]: "major_outage" },
      notify: true,
    });
    expect(await listTemplates(t.db, p.id)).toEqual([tpl]);
    await expect(
      createTemplate(t.ctx, {
        name: "Bad",
        title: "x",
        body: "x",
        status: "identified",
        components: { nosuchcomponent: "major_outage" },
      }),
    ).rejects.toThrow(/Unknown component/);
    await expect(
      createTemplate(t.as("viewer"), { name: "V", title: "x", body: "x", status: "identified" }),
    ).rejects.toThrow(/editor/);
    await expect(
      createTemplate(t.ctx, { name: "X", title: "x", body: "x", status: "identified", isAdmin: true } as never),
    ).rejects.toThrow(/Unknown field/);
    const edited = await updateTemplate(t.ctx, { id: tpl.id, status: "identified", notify: false });
    expect(edited).toMatchObject({ status: "identified", notify: false, title: "{{component}} outage" });
    await deleteTemplate(t.ctx, { id: tpl.id });
    expect(await listTemplates(t.db, p.id)).toEqual([]);
  });
});

// Issue 9, item 2: {{component}} was never filled when the template itself
// named no component, nothing warned about it, and "Use template" threw away
// what was already typed.
describe("placeholders left in a text", () => {
  it("finds known placeholders nothing filled and names that are not placeholders, but not expressions", () => {
    const values = placeholderValues({
      pageName: "Acme",
      timeZone: "UTC",
      now: new Date("2026-03-01T14:30:00Z"),
      componentNames: [],
    });
    const filled = fillTemplate(
      "[{{page}}] {{component}} unavailable; {{componet}} {{ components }} {{7*7}} ${x}",
      values,
    );
    expect(filled).toBe("[Acme] {{component}} unavailable; {{componet}} {{ components }} {{7*7}} ${x}");
    expect(unfilledPlaceholders(filled)).toEqual(["{{component}}", "{{componet}}", "{{ components }}"]);
    expect(unfilledPlaceholders(fillTemplate("{{component}} down", { ...values, component: "API" }))).toEqual([]);
    expect(unfilledPlaceholders("{{7*7}} and {{}} and {{a.b}}")).toEqual([]);
  });
});

describe("mergeTemplate", () => {
  const tpl = {
    title: "{{component}} unavailable",
    body: "We are investigating issues with {{components}}.",
    status: "investigating" as const,
    components: { api: "major_outage" as const, web: "degraded_performance" as const },
    notify: true,
  };
  const names: Record<string, string> = { api: "API", web: "Web", db: "Database" };
  const order = ["db", "api", "web"];
  const valuesFor = (ids: readonly string[]) =>
    placeholderValues({
      pageName: "Acme",
      timeZone: "UTC",
      now: new Date("2026-03-01T14:30:00Z"),
      componentNames: order.filter((id) => ids.includes(id)).map((id) => names[id]),
    });

  it("keeps the name, message and component statuses already entered and adds the template's for the rest", () => {
    const m = mergeTemplate(
      tpl,
      {
        name: "Checkout errors",
        body: "",
        components: { web: "operational", db: "partial_outage" },
        named: [],
        notify: false,
      },
      valuesFor,
    );
    expect(m.name).toBe("Checkout errors");
    expect(m.body).toBe("We are investigating issues with Database, API, Web.");
    expect(m.components).toEqual({ api: "major_outage", web: "operational", db: "partial_outage" });
    expect(m.status).toBe("investigating");
    expect(m.notify).toBe(true);
    expect(m.kept).toEqual({ name: true, body: false, components: 2 });
  });

  it("fills an empty form from the template, placeholders from the components ticked as affected too", () => {
    const m = mergeTemplate(
      { ...tpl, components: {}, notify: false },
      { name: "  ", body: "", components: {}, named: ["db"], notify: true },
      valuesFor,
    );
    expect(m.name).toBe("Database unavailable");
    expect(m.body).toBe("We are investigating issues with Database.");
    expect(m.affected).toEqual(["db"]);
    expect(m.notify).toBe(true);
  });

  it("keeps a typed message and leaves a placeholder it cannot fill for the warning", () => {
    const m = mergeTemplate(
      { ...tpl, components: {} },
      { name: "", body: "Our own words", components: {}, named: [], notify: false },
      valuesFor,
    );
    expect(m.body).toBe("Our own words");
    expect(m.name).toBe("{{component}} unavailable");
    expect(unfilledPlaceholders(m.name)).toEqual(["{{component}}"]);
  });
});
