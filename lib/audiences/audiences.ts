// Audiences (issue 13): named groups of viewers, their members, and what is
// restricted to them. Every change alters what some reader sees, so each
// runs in one transaction that writes an audit row and bumps the content
// version (the snapshots and the viewer access model follow it).
import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { RESTRICTED_ENTITY_TYPES, type RestrictedEntityType } from "@/db/constants";
import {
  audience,
  audienceMember,
  audienceNote,
  audienceRestriction,
  component,
  componentGroup,
  incident,
  incidentUpdate,
  notification,
  type Audience,
} from "@/db/schema";
import { audit } from "../audit";
import { parseCsv } from "../csv";
import { parseInput, requireRole, type Ctx } from "../context";
import { ConflictError, NotFoundError, ValidationError } from "../errors";
import { Id, newId } from "../ids";
import { bumpContentVersion, getPage } from "../page/page";
import { withdrawDeliveries } from "../notifications/enqueue";
import { memberOf } from "./notify";

/** The most members one import may add. */
export const MAX_IMPORT = 5000;

/** A member address: an email, or "@domain" for a whole domain; lower-cased. */
export const MemberAddress = z
  .string()
  .trim()
  .toLowerCase()
  .max(320)
  .refine(
    (v) => /^@[a-z0-9.-]+\.[a-z]{2,}$/.test(v) || z.email().safeParse(v).success,
    "Enter an email address, or @example.com for a whole domain",
  );

const Name = z.string().trim().min(1, "Name is required").max(100);

async function audienceOrThrow(tx: Tx, pageId: string, id: string): Promise<Audience> {
  const row = await tx
    .select()
    .from(audience)
    .where(and(eq(audience.id, id), eq(audience.pageId, pageId)))
    .get();
  if (!row) throw new NotFoundError("Audience");
  return row;
}

export interface AudienceListItem {
  id: string;
  name: string;
  members: number;
}

export async function listAudiences(db: Tx, pageId: string): Promise<AudienceListItem[]> {
  const rows = await db.select().from(audience).where(eq(audience.pageId, pageId)).orderBy(asc(audience.name));
  const counts = new Map(
    (
      await db
        .select({ id: audienceMember.audienceId, n: count() })
        .from(audienceMember)
        .groupBy(audienceMember.audienceId)
    ).map((r) => [r.id, r.n]),
  );
  return rows.map((a) => ({ id: a.id, name: a.name, members: counts.get(a.id) ?? 0 }));
}

export async function listMembers(
  db: Tx,
  audienceId: string,
): Promise<{ id: string; email: string; createdAt: Date }[]> {
  return db
    .select({ id: audienceMember.id, email: audienceMember.email, createdAt: audienceMember.createdAt })
    .from(audienceMember)
    .where(eq(audienceMember.audienceId, audienceId))
    .orderBy(asc(audienceMember.email));
}

export async function createAudience(ctx: Ctx, input: { name: string }): Promise<Audience> {
  requireRole(ctx.actor, "admin");
  const { name } = parseInput(z.strictObject({ name: Name }), input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    if (
      await tx
        .select()
        .from(audience)
        .where(and(eq(audience.pageId, p.id), eq(audience.name, name)))
        .get()
    )
      throw new ConflictError(`An audience named "${name}" exists`);
    const now = ctx.now();
    const row = { id: newId(), pageId: p.id, name, createdAt: now, updatedAt: now };
    await tx.insert(audience).values(row);
    await audit(tx, ctx, {
      pageId: p.id,
      action: "audience.create",
      entityType: "audience",
      entityId: row.id,
      after: { name },
    });
    await bumpContentVersion(tx, p.id, now);
    return row;
  });
}

/**
 * Deletes an audience and its members. Refused while anything is restricted
 * to it: deleting it must never make restricted things public by surprise.
 */
export async function deleteAudience(ctx: Ctx, input: { id: string }): Promise<void> {
  requireRole(ctx.actor, "admin");
  const { id } = parseInput(z.strictObject({ id: Id }), input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const a = await audienceOrThrow(tx, p.id, id);
    const restricted = await tx
      .select({ n: count() })
      .from(audienceRestriction)
      .where(eq(audienceRestriction.audienceId, id))
      .get();
    if (restricted?.n)
      throw new ConflictError(
        `${restricted.n} thing${restricted.n === 1 ? " is" : "s are"} restricted to “${a.name}”: ` +
          "lift those restrictions first",
      );
    await tx.delete(audienceMember).where(eq(audienceMember.audienceId, id));
    await tx.delete(audienceRestriction).where(eq(audienceRestriction.audienceId, id));
    await tx.delete(audience).where(eq(audience.id, id));
    await audit(tx, ctx, {
      pageId: p.id,
      action: "audience.delete",
      entityType: "audience",
      entityId: id,
      before: { name: a.name },
    });
    await bumpContentVersion(tx, p.id, ctx.now());
  });
}

/** Adds members (emails or @domains); already present ones are skipped. Returns how many were added. */
export async function addMembers(ctx: Ctx, input: { audienceId: string; emails: string[] }): Promise<number> {
  requireRole(ctx.actor, "admin");
  const data = parseInput(
    z.strictObject({
      audienceId: Id,
      emails: z.array(MemberAddress).min(1, "Add at least one address").max(MAX_IMPORT),
    }),
    input,
  );
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    await audienceOrThrow(tx, p.id, data.audienceId);
    const now = ctx.now();
    const existing = new Set((await listMembers(tx, data.audienceId)).map((m) => m.email));
    const fresh = [...new Set(data.emails)].filter((e) => !existing.has(e));
    for (let i = 0; i < fresh.length; i += 500)
      await tx
        .insert(audienceMember)
        .values(
          fresh.slice(i, i + 500).map((email) => ({ id: newId(), audienceId: data.audienceId, email, createdAt: now })),
        );
    if (fresh.length) {
      await audit(tx, ctx, {
        pageId: p.id,
        action: "audience.members.add",
        entityType: "audience",
        entityId: data.audienceId,
        after: { added: fresh.length, emails: fresh.slice(0, 50) },
      });
      await bumpContentVersion(tx, p.id, now);
    }
    return fresh.length;
  });
}

/**
 * The addresses of a CSV file: the first cell of each row, a header row
 * ("email") skipped. Invalid cells are reported, and then nothing is added.
 */
export function membersFromCsv(text: string): string[] {
  const rows = parseCsv(text);
  if (rows.length && /^e-?mail/i.test(rows[0][0]?.trim() ?? "")) rows.shift();
  if (rows.length > MAX_IMPORT) throw new ValidationError(`At most ${MAX_IMPORT} rows per import`);
  const bad: number[] = [];
  const emails = rows.map((r, i) => {
    const parsed = MemberAddress.safeParse(r[0] ?? "");
    if (!parsed.success) bad.push(i + 1);
    return parsed.success ? parsed.data : "";
  });
  if (bad.length)
    throw new ValidationError(
      `Not an email address or @domain on row${bad.length > 1 ? "s" : ""} ` +
        `${bad.slice(0, 10).join(", ")}${bad.length > 10 ? "…" : ""}`,
    );
  return emails;
}

export async function removeMember(ctx: Ctx, input: { audienceId: string; memberId: string }): Promise<void> {
  requireRole(ctx.actor, "admin");
  const data = parseInput(z.strictObject({ audienceId: Id, memberId: Id }), input);
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    await audienceOrThrow(tx, p.id, data.audienceId);
    const m = await tx
      .select()
      .from(audienceMember)
      .where(and(eq(audienceMember.id, data.memberId), eq(audienceMember.audienceId, data.audienceId)))
      .get();
    if (!m) throw new NotFoundError("Member");
    await tx.delete(audienceMember).where(eq(audienceMember.id, m.id));
    await audit(tx, ctx, {
      pageId: p.id,
      action: "audience.members.remove",
      entityType: "audience",
      entityId: data.audienceId,
      before: { email: m.email },
    });
    await bumpContentVersion(tx, p.id, ctx.now());
  });
}

const ENTITY_TABLES = { component, group: componentGroup, incident } as const;

/** The audiences a component, group, incident or note is restricted to (empty: not restricted). */
export async function restrictionsOf(db: Tx, entityType: RestrictedEntityType, entityId: string): Promise<string[]> {
  const rows = await db
    .select({ id: audienceRestriction.audienceId })
    .from(audienceRestriction)
    .where(and(eq(audienceRestriction.entityType, entityType), eq(audienceRestriction.entityId, entityId)));
  return rows.map((r) => r.id).sort();
}

/** Restricts a component, group or incident to these audiences; none makes it public again. */
export async function setRestriction(
  ctx: Ctx,
  input: { entityType: string; entityId: string; audienceIds: string[] },
): Promise<void> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(
    z.strictObject({
      entityType: z.enum(RESTRICTED_ENTITY_TYPES).exclude(["note"]),
      entityId: Id,
      audienceIds: z.array(Id).max(100),
    }),
    input,
  );
  await ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const table = ENTITY_TABLES[data.entityType];
    const entity = await tx
      .select({ id: table.id })
      .from(table)
      .where(and(eq(table.id, data.entityId), eq(table.pageId, p.id)))
      .get();
    if (!entity)
      throw new NotFoundError(
        data.entityType === "group" ? "Component group" : data.entityType === "component" ? "Component" : "Incident",
      );
    const ids = [...new Set(data.audienceIds)].sort();
    if (await writeRestriction(tx, ctx, p.id, data.entityType, data.entityId, ids))
      await bumpContentVersion(tx, p.id, ctx.now());
  });
}

/**
 * Inside the caller's transaction (e.g. creating an incident restricted from
 * the start, before its notification is enqueued): replaces the entity's
 * audiences, checked against the page, with an audit row. Returns whether
 * anything changed; the caller bumps the content version.
 */
export async function writeRestriction(
  tx: Tx,
  ctx: Ctx,
  pageId: string,
  entityType: Exclude<RestrictedEntityType, "note">,
  entityId: string,
  audienceIds: readonly string[],
): Promise<boolean> {
  const ids = [...new Set(audienceIds)].sort();
  if (ids.length) {
    const known = await tx
      .select({ id: audience.id })
      .from(audience)
      .where(and(eq(audience.pageId, pageId), inArray(audience.id, ids)));
    if (known.length !== ids.length) throw new NotFoundError("Audience");
  }
  const before = await restrictionsOf(tx, entityType, entityId);
  if (before.join() === ids.join()) return false;
  await tx
    .delete(audienceRestriction)
    .where(and(eq(audienceRestriction.entityType, entityType), eq(audienceRestriction.entityId, entityId)));
  const now = ctx.now();
  if (ids.length)
    await tx
      .insert(audienceRestriction)
      .values(ids.map((audienceId) => ({ entityType, entityId, audienceId, createdAt: now })));
  // Restricted after its notifications were queued: what could still go out (pending, or failed and retried later)
  // goes only to its audiences now (a webhook or chat target is nobody's audience).
  if (entityType === "incident" && ids.length)
    await withdrawDeliveries(
      tx,
      eq(notification.incidentId, entityId),
      "withdrawn: the incident was restricted to audiences",
      memberOf(ids, sql`s.email`),
    );
  await audit(tx, ctx, {
    pageId,
    action: `${entityType}.restrict`,
    entityType,
    entityId,
    before: { audiences: before },
    after: { audiences: ids },
  });
  return true;
}

/** An internal note: markdown shown under an update, only to these audiences (at least one). */
export const AudienceNoteInput = z.strictObject({
  body: z.string().trim().min(1, "Write the note").max(10_000),
  audienceIds: z.array(Id).min(1, "Choose at least one audience for the internal note").max(100),
});
export type AudienceNoteInput = z.input<typeof AudienceNoteInput>;

/** Adds an internal note to an incident update, shown only to the chosen audiences. */
export async function addAudienceNote(
  ctx: Ctx,
  input: { updateId: string } & AudienceNoteInput,
): Promise<{ id: string }> {
  requireRole(ctx.actor, "editor");
  const { updateId, ...note } = parseInput(AudienceNoteInput.extend({ updateId: Id }), input);
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    const u = await tx
      .select({ id: incidentUpdate.id })
      .from(incidentUpdate)
      .innerJoin(incident, eq(incident.id, incidentUpdate.incidentId))
      .where(and(eq(incidentUpdate.id, updateId), eq(incident.pageId, p.id)))
      .get();
    if (!u) throw new NotFoundError("Incident update");
    const id = await insertAudienceNote(tx, ctx, p.id, u.id, note);
    await bumpContentVersion(tx, p.id, ctx.now());
    return { id };
  });
}

/**
 * Writes a parsed note on an update of this page, audited, inside the caller's transaction (posting an
 * update with its note is one write); the caller bumps the content version when the update is public.
 */
export async function insertAudienceNote(
  tx: Tx,
  ctx: Ctx,
  pageId: string,
  updateId: string,
  note: z.infer<typeof AudienceNoteInput>,
): Promise<string> {
  const ids = [...new Set(note.audienceIds)];
  const known = await tx
    .select({ id: audience.id })
    .from(audience)
    .where(and(eq(audience.pageId, pageId), inArray(audience.id, ids)));
  if (known.length !== ids.length) throw new NotFoundError("Audience");
  const now = ctx.now();
  const id = newId();
  await tx.insert(audienceNote).values({ id, updateId, body: note.body, createdAt: now });
  await tx
    .insert(audienceRestriction)
    .values(ids.map((audienceId) => ({ entityType: "note" as const, entityId: id, audienceId, createdAt: now })));
  await audit(tx, ctx, {
    pageId,
    action: "incident_update.note",
    entityType: "incident_update",
    entityId: updateId,
    after: { note: id, audiences: ids },
  });
  return id;
}

export interface ConsoleNote {
  id: string;
  body: string;
  /** Names of the audiences that see it. */
  audiences: string[];
}

/** The internal notes of these updates with their audiences' names, for the console's timeline. */
export async function notesOfUpdates(db: Tx, updateIds: string[]): Promise<Map<string, ConsoleNote[]>> {
  const byUpdate = new Map<string, ConsoleNote[]>();
  if (!updateIds.length) return byUpdate;
  const notes = await db
    .select()
    .from(audienceNote)
    .where(inArray(audienceNote.updateId, updateIds))
    .orderBy(asc(audienceNote.createdAt));
  if (!notes.length) return byUpdate;
  const names = await db
    .select({ noteId: audienceRestriction.entityId, name: audience.name })
    .from(audienceRestriction)
    .innerJoin(audience, eq(audience.id, audienceRestriction.audienceId))
    .where(
      and(
        eq(audienceRestriction.entityType, "note"),
        inArray(
          audienceRestriction.entityId,
          notes.map((n) => n.id),
        ),
      ),
    )
    .orderBy(asc(audience.name));
  for (const n of notes) {
    let list = byUpdate.get(n.updateId);
    if (!list) byUpdate.set(n.updateId, (list = []));
    list.push({ id: n.id, body: n.body, audiences: names.filter((a) => a.noteId === n.id).map((a) => a.name) });
  }
  return byUpdate;
}

/**
 * The console's picker on an audience's page: these components, groups or
 * incidents are restricted to this audience (among any others they have);
 * the rest of that kind no longer are. One transaction, one audit row per
 * entity that changed.
 */
export async function setAudienceScope(
  ctx: Ctx,
  input: { audienceId: string; entityType: string; entityIds: string[] },
): Promise<number> {
  requireRole(ctx.actor, "editor");
  const data = parseInput(
    z.strictObject({
      audienceId: Id,
      entityType: z.enum(RESTRICTED_ENTITY_TYPES).exclude(["note"]),
      entityIds: z.array(Id).max(5000),
    }),
    input,
  );
  return ctx.db.transaction(async (tx) => {
    const p = await getPage(tx);
    await audienceOrThrow(tx, p.id, data.audienceId);
    const table = ENTITY_TABLES[data.entityType];
    const all = new Set((await tx.select({ id: table.id }).from(table).where(eq(table.pageId, p.id))).map((r) => r.id));
    const wanted = new Set(data.entityIds);
    for (const id of wanted)
      if (!all.has(id))
        throw new NotFoundError(
          data.entityType === "group" ? "Component group" : data.entityType === "component" ? "Component" : "Incident",
        );
    const rows = await tx
      .select({ id: audienceRestriction.entityId, audienceId: audienceRestriction.audienceId })
      .from(audienceRestriction)
      .where(eq(audienceRestriction.entityType, data.entityType));
    const current = new Map<string, string[]>();
    for (const r of rows) current.set(r.id, [...(current.get(r.id) ?? []), r.audienceId]);
    let changed = 0;
    for (const id of all) {
      const has = current.get(id) ?? [];
      const should = wanted.has(id);
      if (has.includes(data.audienceId) === should) continue;
      const next = should ? [...has, data.audienceId] : has.filter((a) => a !== data.audienceId);
      if (await writeRestriction(tx, ctx, p.id, data.entityType, id, next)) changed++;
    }
    if (changed) await bumpContentVersion(tx, p.id, ctx.now());
    return changed;
  });
}
