// A request to /api/integrations/<id>/<token>: authenticate in constant time,
// count it against the integration's limit, read the payload, act, and log
// what it did. Every refusal changes nothing but the limit's counter.
import { and, desc, eq, isNull, notInArray } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "@/db/client";
import { integration, integrationEvent, type Integration } from "@/db/schema";
import { parseInput, requireRole, type Ctx, type PublicCtx } from "../context";
import { DomainError, UnauthorizedError } from "../errors";
import { constantTimeEqual, Id, isId, newId, sha256 } from "../ids";
import { takeAllowance, windowCounter } from "../limits/counters";
import { RateLimitedError } from "../limits/rate-limited";
import { getPage } from "../page/page";
import { integrationActor, processAlerts } from "./engine";
import { getIntegrationOrThrow } from "./integrations";
import { parsePayload, readPayload, type AlertFormat, type InboundPayload } from "./payload";

/** Events kept per integration for the console. */
export const EVENTS_KEPT = 50;

// Compared against when the id is unknown, so both answers take the same work.
const NO_HASH = sha256("no integration");

async function authenticate(ctx: PublicCtx, id: string, token: string): Promise<Integration> {
  const row = isId(id)
    ? await ctx.db.query.integration.findFirst({ where: and(eq(integration.id, id), isNull(integration.deletedAt)) })
    : undefined;
  const ok = constantTimeEqual(sha256(token), row?.tokenHash ?? NO_HASH) && row !== undefined;
  // One answer for an unknown integration and a wrong token.
  if (!ok) throw new UnauthorizedError("Unknown integration or wrong token");
  return row;
}

async function recordEvent(
  tx: Tx,
  integ: Integration,
  at: Date,
  format: AlertFormat | "invalid",
  alerts: number,
  outcome: string[],
  test = false,
) {
  await tx.insert(integrationEvent).values({ id: newId(), integrationId: integ.id, at, format, alerts, outcome, test });
  if (!test) await tx.update(integration).set({ lastEventAt: at }).where(eq(integration.id, integ.id));
  const keep = tx
    .select({ id: integrationEvent.id })
    .from(integrationEvent)
    .where(eq(integrationEvent.integrationId, integ.id))
    .orderBy(desc(integrationEvent.at))
    .limit(EVENTS_KEPT);
  await tx
    .delete(integrationEvent)
    .where(and(eq(integrationEvent.integrationId, integ.id), notInArray(integrationEvent.id, keep)));
}

/**
 * Handles one delivery from a monitor. Throws UnauthorizedError (401),
 * RateLimitedError (429) or ValidationError (422, logged as an event);
 * otherwise returns what it did, one line per effect.
 */
export async function receiveAlerts(
  ctx: PublicCtx,
  req: { id: string; token: string; body: string },
): Promise<{ format: AlertFormat; outcome: string[] }> {
  const integ = await authenticate(ctx, req.id, req.token);
  const now = ctx.now();
  // Counted in its own transaction: a refused request must leave the count of refusals behind and nothing else.
  const counter = windowCounter("integration", integ.id, integ.perMinute, 60_000, now.getTime());
  const hit = await ctx.db.transaction((tx) => takeAllowance(tx, [counter], now));
  if (hit) throw new RateLimitedError("Too many requests for this integration", hit.windowEnd - now.getTime());
  let payload: InboundPayload;
  try {
    payload = parsePayload(req.body);
  } catch (err) {
    if (err instanceof DomainError)
      await ctx.db.transaction((tx) => recordEvent(tx, integ, now, "invalid", 0, [`Refused: ${err.message}`]));
    throw err;
  }
  const actorCtx: Ctx = { ...ctx, actor: integrationActor(integ) };
  return ctx.db.transaction(async (tx) => {
    const outcome = await processAlerts(tx, actorCtx, integ, payload);
    await recordEvent(tx, integ, now, payload.format, payload.alerts.length, outcome);
    return { format: payload.format, outcome };
  });
}

/** Thrown to roll a dry run back; carries its result out. */
class DryRun extends Error {
  constructor(readonly outcome: string[]) {
    super("dry run");
  }
}

export const TestAlertInput = z.strictObject({
  id: Id,
  labels: z
    .record(z.string().max(200), z.string().max(1000))
    .refine((l) => Object.keys(l).length >= 1, "Give at least one label"),
  firing: z.boolean().default(true),
});
export type TestAlertInput = z.input<typeof TestAlertInput>;

/**
 * The console's "send test alert": an Alertmanager-shaped alert with the given
 * labels goes through exactly the path a real one takes, inside a transaction
 * that is then rolled back — so it shows what the rules would do and changes
 * nothing. The result is kept as a test event.
 */
export async function sendTestAlert(ctx: Ctx, input: TestAlertInput): Promise<string[]> {
  requireRole(ctx.actor, "admin");
  const data = parseInput(TestAlertInput, input);
  const p = await getPage(ctx.db);
  const integ = await getIntegrationOrThrow(ctx.db, p.id, data.id);
  const payload = readPayload({
    version: "4",
    status: data.firing ? "firing" : "resolved",
    receiver: "herald-test",
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    alerts: [
      {
        status: data.firing ? "firing" : "resolved",
        labels: data.labels,
        annotations: { summary: "Test alert from the Herald console" },
        fingerprint: "herald-test",
      },
    ],
  });
  const actorCtx: Ctx = { ...ctx, actor: integrationActor(integ) };
  let outcome: string[];
  try {
    await ctx.db.transaction(async (tx) => {
      throw new DryRun(await processAlerts(tx, actorCtx, integ, payload));
    });
    throw new Error("unreachable: the dry run always rolls back");
  } catch (err) {
    if (!(err instanceof DryRun)) throw err;
    outcome = err.outcome;
  }
  const lines = outcome.map((l) => `Would: ${l}`);
  await ctx.db.transaction((tx) => recordEvent(tx, integ, ctx.now(), "alertmanager", 1, lines, true));
  return lines;
}
