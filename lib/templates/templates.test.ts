import { afterEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/db/testing";
import { createComponent } from "../components/components";
import { getPage } from "../page/page";
import { createTemplate, deleteTemplate, fillTemplate, listTemplates, placeholderValues, updateTemplate } from "./templates";

let close: (() => void) | undefined;
afterEach(() => close?.());

describe("fillTemplate", () => {
  const values = { component: "API", components: "API, Web", page: "Acme", time: "14:05 UTC", date: "2026-03-01" };

  it("substitutes the fixed placeholders", () => {
    expect(fillTemplate("{{component}} is down on {{page}} since {{time}} ({{date}}); affected: {{components}}", values)).toBe(
      "API is down on Acme since 14:05 UTC (2026-03-01); affected: API, Web",
    );
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
    const v = placeholderValues({ pageName: "Acme", timeZone: "Australia/Brisbane", now: new Date("2026-03-01T14:30:00Z"), componentNames: ["API", "Web"] });
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
    const tpl = await createTemplate(t.ctx, { name: "Outage", title: "{{component}} outage", body: "We are investigating.", status: "investigating", components: { [c.id]: "major_outage" }, notify: true });
    expect(await listTemplates(t.db, p.id)).toEqual([tpl]);
    await expect(createTemplate(t.ctx, { name: "Bad", title: "x", body: "x", status: "identified", components: { nosuchcomponent: "major_outage" } })).rejects.toThrow(/Unknown component/);
    await expect(createTemplate(t.as("viewer"), { name: "V", title: "x", body: "x", status: "identified" })).rejects.toThrow(/editor/);
    await expect(createTemplate(t.ctx, { name: "X", title: "x", body: "x", status: "identified", isAdmin: true } as never)).rejects.toThrow(/Unknown field/);
    const edited = await updateTemplate(t.ctx, { id: tpl.id, status: "identified", notify: false });
    expect(edited).toMatchObject({ status: "identified", notify: false, title: "{{component}} outage" });
    await deleteTemplate(t.ctx, { id: tpl.id });
    expect(await listTemplates(t.db, p.id)).toEqual([]);
  });
});
