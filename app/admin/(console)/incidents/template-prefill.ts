import "server-only";
import type { Tx } from "@/db/client";
import type { ComponentStatus, IncidentStatus } from "@/db/constants";
import type { Page } from "@/db/schema";
import { fillTemplate, listTemplates, placeholderValues, type TemplateDto } from "@/lib/templates/templates";
import type { PickerComponent } from "@/components/admin/component-picker";

/** A post form's starting values from a template, placeholders filled in. */
export interface TemplatePrefill {
  templateId: string;
  title: string;
  body: string;
  status: IncidentStatus;
  components: Record<string, ComponentStatus>;
  notify: boolean;
}

/**
 * The page's templates and, when `templateId` names one, the form values it
 * gives. `{{component}}` names the template's components in display order;
 * in an update, `{{incident}}` is the incident's name.
 */
export async function templatePrefill(
  db: Tx,
  page: Page,
  components: PickerComponent[],
  templateId: string | undefined,
  incidentName?: string,
): Promise<{ templates: TemplateDto[]; prefill: TemplatePrefill | null }> {
  const templates = await listTemplates(db, page.id);
  const t = templateId ? templates.find((x) => x.id === templateId) : undefined;
  if (!t) return { templates, prefill: null };
  const names = components.filter((c) => c.id in t.components).map((c) => c.name);
  const values = placeholderValues({ pageName: page.name, timeZone: page.timeZone, now: new Date(), componentNames: names, incidentName });
  return {
    templates,
    prefill: { templateId: t.id, title: fillTemplate(t.title, values), body: fillTemplate(t.body, values), status: t.status, components: t.components, notify: t.notify },
  };
}
