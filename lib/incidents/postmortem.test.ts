import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createTestCtx } from "@/tests/helpers/test-db";
import { incident, notification, page } from "@/db/schema";
import { createComponent } from "../components/components";
import { loadIncident } from "../public/incident";
import { createIncident, editIncidentUpdate, postIncidentUpdate } from "./incidents";
import { publishPostmortem, revertPostmortem, savePostmortemDraft } from "./postmortem";

let close: (() => void) | undefined;
afterEach(() => close?.());

async function resolvedIncident() {
  const t = await createTestCtx();
  close = t.close;
  const c = await createComponent(t.ctx, { name: "API" });
  const { incident: inc } = await createIncident(t.ctx, {
    name: "Outage",
    body: "Down",
    components: { [c.id]: "major_outage" },
  });
  t.clock.advance(3_600_000);
  const { update } = await postIncidentUpdate(t.ctx, { incidentId: inc.id, status: "resolved", body: "Fixed" });
  return { ...t, inc, resolvedUpdate: update };
}
const version = async (t: Awaited<ReturnType<typeof resolvedIncident>>) =>
  (await t.db.select({ v: page.contentVersion }).from(page).get())!.v;

describe("postmortems", () => {
  it("draft → preview → publish → revert, public only while published", async () => {
    const t = await resolvedIncident();
    const v0 = await version(t);
    const draft = await savePostmortemDraft(t.ctx, {
      incidentId: t.inc.id,
      body: "## Cause\n\nA bad deploy <script>alert(1)</script>",
    });
    expect(draft.draftHtml).toContain("<h2>Cause</h2>");
    expect(draft.draftHtml).not.toContain("<script");
    expect(await version(t)).toBe(v0);
    expect((await loadIncident(t.db, t.inc.id))!.postmortemHtml).toBeNull();

    t.clock.advance(86_400_000);
    const pub = await publishPostmortem(t.ctx, { incidentId: t.inc.id, notify: true });
    expect(pub).toMatchObject({ incidentStatus: "postmortem", unpublishedChanges: false });
    expect(await version(t)).toBeGreaterThan(v0);
    const shown = (await loadIncident(t.db, t.inc.id))!;
    expect(shown.status).toBe("postmortem");
    expect(shown.postmortemHtml).toContain("<h2>Cause</h2>");
    // MTTR keeps measuring to the resolution, not to the postmortem.
    const row = (await t.db.select().from(incident).where(eq(incident.id, t.inc.id)).get())!;
    expect(row.resolvedAt!.getTime()).toBe(t.resolvedUpdate.displayAt.getTime());
    expect((await t.db.select({ k: notification.kind }).from(notification)).map((r) => r.k)).toContain(
      "postmortem_published",
    );

    // Editing an old update recomputes the caches: the status stays postmortem.
    await editIncidentUpdate(t.ctx, { incidentId: t.inc.id, updateId: t.resolvedUpdate.id, body: "Fixed for good" });
    expect((await t.db.select().from(incident).where(eq(incident.id, t.inc.id)).get())!.status).toBe("postmortem");

    await savePostmortemDraft(t.ctx, { incidentId: t.inc.id, body: "## Cause\n\nRevised" });
    expect((await loadIncident(t.db, t.inc.id))!.postmortemHtml).not.toContain("Revised");

    const reverted = await revertPostmortem(t.ctx, { incidentId: t.inc.id });
    expect(reverted).toMatchObject({ incidentStatus: "resolved", published: null, draft: "## Cause\n\nRevised" });
    expect((await loadIncident(t.db, t.inc.id))!.postmortemHtml).toBeNull();
    await expect(revertPostmortem(t.ctx, { incidentId: t.inc.id })).rejects.toThrow(/not published/);
  });

  it("publishes without notifying unless asked, and only for resolved incidents with a draft", async () => {
    const t = await resolvedIncident();
    await expect(publishPostmortem(t.ctx, { incidentId: t.inc.id })).rejects.toThrow(/Write the postmortem/);
    await savePostmortemDraft(t.ctx, { incidentId: t.inc.id, body: "Text" });
    await publishPostmortem(t.ctx, { incidentId: t.inc.id });
    expect(await t.db.$count(notification, eq(notification.kind, "postmortem_published"))).toBe(0);

    const { incident: open } = await createIncident(t.ctx, { name: "Open", body: "x" });
    await savePostmortemDraft(t.ctx, { incidentId: open.id, body: "Too early" });
    await expect(publishPostmortem(t.ctx, { incidentId: open.id })).rejects.toThrow(/Resolve the incident/);
    await expect(savePostmortemDraft(t.as("viewer"), { incidentId: open.id, body: "x" })).rejects.toThrow(/editor/);
  });
});
