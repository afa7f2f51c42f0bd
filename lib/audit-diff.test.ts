import { describe, expect, it } from "vitest";
import { auditDiff } from "./audit-diff";

describe("auditDiff: the audit log's before/after as a readable diff", () => {
  it("lists only what changed, by field, and counts the rest", () => {
    const before = { id: "c1", name: "API", status: "operational", showcase: true, description: null };
    const after = { id: "c1", name: "Public API", status: "major_outage", showcase: true, description: null };
    expect(auditDiff(before, after)).toEqual({
      lines: [
        { path: "name", kind: "changed", before: "API", after: "Public API" },
        { path: "status", kind: "changed", before: "operational", after: "major_outage" },
      ],
      unchanged: 3,
    });
  });

  it("flattens nested values to dotted paths and marks added and removed fields", () => {
    const d = auditDiff(
      { components: { api: "operational", web: "operational" }, tags: ["a"] },
      { components: { api: "partial_outage" }, tags: ["a", "b"], notify: false },
    );
    expect(d.lines).toEqual([
      { path: "components.api", kind: "changed", before: "operational", after: "partial_outage" },
      { path: "tags[1]", kind: "added", before: null, after: "b" },
      { path: "notify", kind: "added", before: null, after: "false" },
      { path: "components.web", kind: "removed", before: "operational", after: null },
    ]);
    expect(d.unchanged).toBe(1);
  });

  it("a created entity shows every field as added; a deleted one as removed", () => {
    expect(auditDiff(null, { name: "API" }).lines).toEqual([
      { path: "name", kind: "added", before: null, after: "API" },
    ]);
    expect(auditDiff({ name: "API" }, null).lines).toEqual([
      { path: "name", kind: "removed", before: "API", after: null },
    ]);
    expect(auditDiff(null, null)).toEqual({ lines: [], unchanged: 0 });
  });

  it("tells a string from the number or boolean it spells", () => {
    expect(auditDiff({ n: 1 }, { n: "1" }).lines).toEqual([{ path: "n", kind: "changed", before: "1", after: '"1"' }]);
  });
});
