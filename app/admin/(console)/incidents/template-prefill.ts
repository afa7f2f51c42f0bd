import "server-only";
import { bool, str } from "@/app/_server/actions";
import type { Tx } from "@/db/client";
import type { Page } from "@/db/schema";
import { listTemplates, mergeTemplate, type TemplateDto } from "@/lib/templates/templates";
import type { PickerComponent } from "@/components/admin/component-picker";
import { componentStatuses } from "../form-data";
import { postPlaceholderValues } from "./placeholders";

export type SearchParams = Record<string, string | string[] | undefined>;

/** A post form's starting values after "Use template": the template merged into what the form held. */
export interface FormPrefill {
  templateId: string | null;
  name: string;
  body: string;
  status: string | undefined;
  components: Record<string, string>;
  /** Components ticked as affected without a status change (new incident form). */
  named: string[];
  notify: boolean;
  /** Other fields of the new incident form, as they were entered. */
  impactOverride?: string;
  publishAt?: string;
  backfilled: boolean;
  backfillDate?: string;
  /** What was kept from the form instead of taken from the template (null without a template). */
  kept: { name: boolean; body: boolean; components: number } | null;
}

/** The query a post form sends with "Use template" (a GET of the page: it works without JavaScript), as FormData. */
function formOf(params: SearchParams): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(params)) for (const one of [v ?? []].flat()) fd.append(k, one);
  return fd;
}

/**
 * The page's templates and, after "Use template", the form's values: the
 * picked template merged into what the form held (lib/templates mergeTemplate),
 * placeholders filled from the affected components — in an update, the
 * incident's own affected components count too, and `{{incident}}` is its name.
 */
export async function templatePrefill(
  db: Tx,
  page: Page,
  components: PickerComponent[],
  params: SearchParams,
  incident?: { name: string; componentIds: readonly string[] },
): Promise<{ templates: TemplateDto[]; prefill: FormPrefill | null }> {
  const templates = await listTemplates(db, page.id);
  if (params.template === undefined) return { templates, prefill: null };
  const fd = formOf(params);
  const entered = {
    name: str(fd, "name") ?? "",
    body: str(fd, "body") ?? "",
    components: componentStatuses(fd),
    named: fd.getAll("componentIds").filter((v): v is string => typeof v === "string"),
    notify: bool(fd, "notify"),
  };
  const rest = {
    impactOverride: str(fd, "impactOverride") || undefined,
    publishAt: str(fd, "publishAt") || undefined,
    backfilled: bool(fd, "backfilled"),
    backfillDate: str(fd, "backfillDate") || undefined,
  };
  const t = templates.find((x) => x.id === str(fd, "template"));
  if (!t)
    return { templates, prefill: { templateId: null, ...entered, status: str(fd, "status"), ...rest, kept: null } };
  const merged = mergeTemplate(t, entered, (affected) =>
    postPlaceholderValues(page, components, [...affected, ...(incident?.componentIds ?? [])], incident?.name),
  );
  return {
    templates,
    prefill: {
      templateId: t.id,
      name: merged.name,
      body: merged.body,
      status: merged.status,
      components: merged.components,
      named: entered.named,
      notify: merged.notify,
      ...rest,
      kept: merged.kept,
    },
  };
}

/** "Filled in from the template…" with what was kept, for the notice above the form. */
export function prefillNotice(p: FormPrefill, hasName: boolean): string | null {
  if (!p.kept) return null;
  const kept = [
    hasName && p.kept.name ? "the name" : null,
    p.kept.body ? "the message" : null,
    p.kept.components ? `${p.kept.components} component status${p.kept.components === 1 ? "" : "es"}` : null,
  ].filter((x): x is string => x !== null);
  const list = kept.length > 1 ? `${kept.slice(0, -1).join(", ")} and ${kept.at(-1)}` : kept[0];
  return (
    `Filled in from the template${list ? `, keeping ${list} you had entered` : ""}. Check the text before ` +
    `publishing.`
  );
}
