// Statuspage v1 incident templates (GET|POST /incident_templates) over
// lib/templates. Herald's templates set a status per component, so a
// component listed in component_ids needs its status in `components`
// (the same rule as an incident PATCH, v1-input.ts planIncidentPatch).
import { and, asc, eq, inArray, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { COMPONENT_STATUSES, INCIDENT_STATUSES } from "@/db/constants";
import { component } from "@/db/schema";
import { ValidationError } from "../errors";
import type { CreateTemplateInput, TemplateDto } from "../templates/templates";
import { componentV1 } from "./v1";

export const TemplateCreateBody = z.strictObject({
  template: z
    .strictObject({
      name: z.string(),
      title: z.string(),
      body: z.string(),
      /** Herald has no template groups. */
      group_id: z.null({ error: "Herald has no template groups: leave group_id out" }),
      update_status: z.enum(INCIDENT_STATUSES, { error: "Unknown incident status" }),
      /** Accepted for old scripts and ignored: Herald posts nothing to Twitter. */
      should_tweet: z.boolean(),
      should_send_notifications: z.boolean(),
      component_ids: z.array(z.string()).max(500),
      components: z.record(z.string(), z.enum(COMPONENT_STATUSES, { error: "Unknown component status" })),
    })
    .partial()
    .required({ name: true, title: true, body: true }),
});

export function toCreateTemplateInput({ template: t }: z.infer<typeof TemplateCreateBody>): CreateTemplateInput {
  const missing = (t.component_ids ?? []).filter((c) => !t.components || !(c in t.components));
  if (missing.length) {
    const message = `Give each listed component the status the template sets, in components: ${missing.join(", ")}`;
    throw new ValidationError(`template.component_ids: ${message}`, { "template.component_ids": [message] });
  }
  return {
    name: t.name,
    title: t.title,
    body: t.body,
    ...(t.update_status === undefined ? { status: "investigating" as const } : { status: t.update_status }),
    components: t.components ?? {},
    notify: t.should_send_notifications ?? false,
  };
}

/** Statuspage's IncidentTemplate, plus Herald's `component_statuses` (the status each component is set to). */
export async function templatesV1(db: Tx, pageId: string, templates: TemplateDto[]) {
  const ids = [...new Set(templates.flatMap((t) => Object.keys(t.components)))];
  const rows = ids.length
    ? await db
        .select()
        .from(component)
        .where(and(eq(component.pageId, pageId), inArray(component.id, ids), isNull(component.deletedAt)))
        .orderBy(asc(component.position), asc(component.name))
    : [];
  return templates.map((t) => ({
    id: t.id,
    name: t.name,
    title: t.title,
    body: t.body,
    group_id: null,
    update_status: t.status,
    should_tweet: false,
    should_send_notifications: t.notify,
    components: rows.filter((c) => c.id in t.components).map(componentV1),
    component_statuses: t.components,
  }));
}
