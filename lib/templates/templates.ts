// Incident templates: canned title/body/status/components per phase, picked in
// the new-incident and new-update forms. Placeholders are plain string
// replacement from a fixed list (fillTemplate); admin text never runs through
// a template engine, so `{{7*7}}`, `${process.env.X}` and unknown names stay literal.
import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { COMPONENT_STATUSES, INCIDENT_STATUSES } from "@/db/constants";
import { incidentTemplate, type IncidentTemplate } from "@/db/schema";
import { audit } from "../audit";
import { loadComponentsOrThrow } from "../components/status-changes";
import { parseInput, requireRole, type Ctx } from "../context";
import { NotFoundError } from "../errors";
import { Id, newId } from "../ids";
import { getPage } from "../page/page";

const fields = {
  name: z.string().trim().min(1, "Name is required").max(100, "At most 100 characters"),
  title: z.string().trim().min(1, "A title is required").max(255, "At most 255 characters"),
  body: z.string().trim().min(1, "A message is required").max(20_000, "At most 20,000 characters"),
  status: z.enum(INCIDENT_STATUSES),
  components: z
    .record(Id, z.enum(COMPONENT_STATUSES, { error: "Unknown component status" }))
    .refine((m) => Object.keys(m).length <= 500, "Too many components"),
  notify: z.boolean(),
};

export const CreateTemplateInput = z.strictObject({
  ...fields,
  components: fields.components.default({}),
  notify: fields.notify.default(false),
});
export type CreateTemplateInput = z.input<typeof CreateTemplateInput>;

export const UpdateTemplateInput = z.strictObject({
  id: Id,
  name: fields.name.optional(),
  title: fields.title.optional(),
  body: fields.body.optional(),
  status: fields.status.optional(),
  components: fields.components.optional(),
  notify: fields.notify.optional(),
});
export type UpdateTemplateInput = z.input<typeof UpdateTemplateInput>;

export interface TemplateDto {
  id: string;
  name: string;
  title: string;
  body: string;
  status: IncidentTemplate["status"];
  components: Record<string, IncidentTemplate["components"][string]>;
  notify: boolean;
}

export function templateDto(t: IncidentTemplate): TemplateDto {
  return {
    id: t.id,
    name: t.name,
    title: t.title,
    body: t.body,
    status: t.status,
    components: t.components,
    notify: t.notify,
  };
}

export async function listTemplates(db: Tx, pageId: string): Promise<TemplateDto[]> {
  const rows = await db
    .select()
    .from(incidentTemplate)
    .where(eq(incidentTemplate.pageId, pageId))
    .orderBy(asc(incidentTemplate.name));
  return rows.map(templateDto);
}

export async function getTemplateOrThrow(db: Tx, pageId: string, id: string): Promise<IncidentTemplate> {
  const row = await db.query.incidentTemplate.findFirst({
    where: and(eq(incidentTemplate.id, id), eq(incidentTemplate.pageId, pageId)),
  });
  if (!row) throw new NotFoundError("Template");
  return row;
}

export async function createTemplate(ctx: Ctx, input: CreateTemplateInput): Promise<TemplateDto> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(CreateTemplateInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    await loadComponentsOrThrow(tx, p.id, Object.keys(data.components));
    const now = ctx.now();
    const id = newId();
    await tx.insert(incidentTemplate).values({ id, pageId: p.id, ...data, createdAt: now, updatedAt: now });
    const dto = templateDto(await getTemplateOrThrow(tx, p.id, id));
    await audit(tx, ctx, {
      pageId: p.id,
      action: "template.create",
      entityType: "incident_template",
      entityId: id,
      after: dto,
    });
    return dto;
  });
}

export async function updateTemplate(ctx: Ctx, input: UpdateTemplateInput): Promise<TemplateDto> {
  requireRole(ctx.actor, "editor");
  const { id, ...data } = parseInput(UpdateTemplateInput, input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = templateDto(await getTemplateOrThrow(tx, p.id, id));
    if (data.components) await loadComponentsOrThrow(tx, p.id, Object.keys(data.components));
    await tx
      .update(incidentTemplate)
      .set({ ...data, updatedAt: ctx.now() })
      .where(eq(incidentTemplate.id, id));
    const after = templateDto(await getTemplateOrThrow(tx, p.id, id));
    await audit(tx, ctx, {
      pageId: p.id,
      action: "template.update",
      entityType: "incident_template",
      entityId: id,
      before,
      after,
    });
    return after;
  });
}

export async function deleteTemplate(ctx: Ctx, input: { id: string }): Promise<void> {
  requireRole(ctx.actor, "editor");
  const { id } = parseInput(z.strictObject({ id: Id }), input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const before = templateDto(await getTemplateOrThrow(tx, p.id, id));
    await tx.delete(incidentTemplate).where(eq(incidentTemplate.id, id));
    await audit(tx, ctx, {
      pageId: p.id,
      action: "template.delete",
      entityType: "incident_template",
      entityId: id,
      before,
    });
  });
}

/** The only placeholders there are. Anything else in `{{…}}` is left as written. */
export const PLACEHOLDERS = ["component", "components", "page", "time", "date", "incident"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Partial<Record<Placeholder, string>>;

export const PLACEHOLDER_HELP: Record<Placeholder, string> = {
  component: "The first affected component's name",
  components: "All affected components, comma-separated",
  page: "The status page's name",
  time: "The current time (HH:MM and the page's zone)",
  date: "Today's date in the page's zone",
  incident: "The incident's name (in updates)",
};

const KNOWN = new Set<string>(PLACEHOLDERS);

/**
 * Replaces `{{name}}` (exactly, no spaces) for the names in PLACEHOLDERS with
 * the given values, in one pass: a value is inserted verbatim (a function
 * replacer, so `$&` stays literal) and never scanned again, and nothing is
 * evaluated.
 */
export function fillTemplate(text: string, values: PlaceholderValues): string {
  return text.replace(/\{\{([a-z]+)\}\}/g, (whole, name: string) => {
    const v = KNOWN.has(name) ? values[name as Placeholder] : undefined;
    return v ?? whole;
  });
}

export interface PlaceholderContext {
  pageName: string;
  timeZone: string;
  now: Date;
  componentNames: readonly string[];
  incidentName?: string;
}

/** The values for fillTemplate from what the form knows. */
export function placeholderValues(c: PlaceholderContext): PlaceholderValues {
  const time = new Intl.DateTimeFormat("en-GB", {
    timeZone: c.timeZone,
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(c.now);
  const date = new Intl.DateTimeFormat("en-CA", {
    timeZone: c.timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(c.now);
  return {
    page: c.pageName,
    time,
    date,
    ...(c.componentNames.length ? { component: c.componentNames[0], components: c.componentNames.join(", ") } : {}),
    ...(c.incidentName !== undefined ? { incident: c.incidentName } : {}),
  };
}

// `{{word}}`, with or without inner spaces: what a person means as a
// placeholder. Expressions such as `{{7*7}}` are not, and stay as written.
const PLACEHOLDER_LIKE = /\{\{\s*[A-Za-z_]+\s*\}\}/g;

/**
 * The placeholders still in a text once it is filled: a known one nothing
 * could fill (no affected component for `{{component}}`) or a name that is
 * not one (a typo). The console warns before posting such text.
 */
export function unfilledPlaceholders(text: string): string[] {
  return [...new Set(text.match(PLACEHOLDER_LIKE) ?? [])];
}

/** What a post form held when a template was picked. */
export interface EnteredPost {
  name: string;
  body: string;
  /** Component status changes already chosen, by component id. */
  components: Record<string, string>;
  /** Components ticked as affected without a status change. */
  named: readonly string[];
  notify: boolean;
}

export interface MergedPost {
  name: string;
  body: string;
  status: TemplateDto["status"];
  components: Record<string, string>;
  notify: boolean;
  /** The affected components after the merge: status changes, then the ones only ticked. */
  affected: string[];
  /** What was kept from the form rather than taken from the template. */
  kept: { name: boolean; body: boolean; components: number };
}

/**
 * "Use template" merges into the form instead of replacing it: a name or
 * message already typed stays (the template fills the empty ones, its
 * placeholders filled), component statuses already chosen stay and the
 * template's are added for the others, the status is the template's (it
 * describes a phase), and notify is on if either asks for it.
 */
export function mergeTemplate(
  t: Pick<TemplateDto, "title" | "body" | "status" | "components" | "notify">,
  entered: EnteredPost,
  /** The placeholder values once the affected components are known (ids, in no particular order). */
  valuesFor: (affected: readonly string[]) => PlaceholderValues,
): MergedPost {
  const components = { ...t.components, ...entered.components };
  const affected = [...new Set([...Object.keys(components), ...entered.named])];
  const values = valuesFor(affected);
  const keepName = entered.name.trim() !== "";
  const keepBody = entered.body.trim() !== "";
  return {
    name: keepName ? entered.name : fillTemplate(t.title, values),
    body: keepBody ? entered.body : fillTemplate(t.body, values),
    status: t.status,
    components,
    notify: t.notify || entered.notify,
    affected,
    kept: { name: keepName, body: keepBody, components: Object.keys(entered.components).length },
  };
}
