import "server-only";
import type { Tx } from "@/db/client";
import type { Page } from "@/db/schema";
import type { PickerComponent } from "@/components/admin/component-picker";
import {
  fillTemplate,
  placeholderValues,
  unfilledPlaceholders,
  type PlaceholderValues,
} from "@/lib/templates/templates";
import { componentStatuses } from "../form-data";
import { pickerComponents } from "./load-components";

/**
 * Placeholder values for a post form: the page, the time and date in its
 * zone, the incident's name, and the affected components in display order.
 * Hidden components are never named: the text is public.
 */
export function postPlaceholderValues(
  page: Page,
  components: readonly PickerComponent[],
  affected: Iterable<string>,
  incidentName?: string,
): PlaceholderValues {
  const ids = new Set(affected);
  const componentNames = components.filter((c) => ids.has(c.id) && !c.hidden).map((c) => c.name);
  return placeholderValues({
    pageName: page.name,
    timeZone: page.timeZone,
    now: new Date(),
    componentNames,
    incidentName,
  });
}

export interface FilledPost {
  /** Undefined for an update (it has no name field). */
  name: string | undefined;
  body: string;
  /** Placeholders still in each text once filled (lib/templates unfilledPlaceholders). */
  unfilled: { name: string[]; body: string[] };
}

/**
 * A post form's title and message with placeholders filled from what the form
 * says is affected — status changes and ticked components, and in an update
 * the incident's own affected components — as posting and the preview both
 * use it.
 */
export async function fillPostForm(
  db: Tx,
  page: Page,
  fd: FormData,
  text: { name?: string; body: string },
  incident?: { name: string; componentIds: readonly string[] },
): Promise<FilledPost> {
  const affected = [
    ...Object.keys(componentStatuses(fd)),
    ...fd.getAll("componentIds").filter((v): v is string => typeof v === "string"),
    ...(incident?.componentIds ?? []),
  ];
  const values = postPlaceholderValues(page, await pickerComponents(db, page.id), affected, incident?.name);
  const name = text.name === undefined ? undefined : fillTemplate(text.name, values);
  const body = fillTemplate(text.body, values);
  return {
    name,
    body,
    unfilled: { name: name === undefined ? [] : unfilledPlaceholders(name), body: unfilledPlaceholders(body) },
  };
}
