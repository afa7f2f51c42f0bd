import { desc, eq, like, or } from "drizzle-orm";
import type { Db, Tx } from "@/db/client";
import { outboxEmail, type OutboxEmail } from "@/db/schema";
import { hasRole, requireRole, type Ctx } from "../context";
import { newId } from "../ids";
import type { Mailer, OutgoingEmail, SendOutcome } from "./types";

/**
 * The local default transport (no RESEND_API_KEY): messages are kept in
 * outbox_email for the console's Outbox. A retried batch (same idempotency
 * key) inserts nothing new and returns the first ids, like the provider.
 */
export function createOutboxMailer(db: Db, now: () => Date = () => new Date()): Mailer {
  return {
    name: "outbox",
    async sendBatch(emails: OutgoingEmail[], idempotencyKey: string): Promise<SendOutcome> {
      const at = now();
      const rows = emails.map((e, position) => ({
        id: newId(),
        idempotencyKey,
        position,
        fromAddress: e.from,
        toAddress: e.to,
        subject: e.subject,
        html: e.html,
        text: e.text,
        headers: e.headers,
        createdAt: at,
      }));
      await db.transaction((tx) => tx.insert(outboxEmail).values(rows).onConflictDoNothing());
      const stored = await db
        .select({ id: outboxEmail.id, position: outboxEmail.position })
        .from(outboxEmail)
        .where(eq(outboxEmail.idempotencyKey, idempotencyKey));
      const ids = stored.sort((a, b) => a.position - b.position).map((r) => r.id);
      return { kind: "accepted", ids };
    },
  };
}

export interface OutboxListItem {
  id: string;
  to: string;
  subject: string;
  createdAt: Date;
}

export async function listOutbox(db: Tx, opts: { q?: string; limit?: number } = {}): Promise<OutboxListItem[]> {
  const q = opts.q?.trim();
  const where = q ? or(like(outboxEmail.toAddress, `%${q}%`), like(outboxEmail.subject, `%${q}%`)) : undefined;
  return db
    .select({
      id: outboxEmail.id,
      to: outboxEmail.toAddress,
      subject: outboxEmail.subject,
      createdAt: outboxEmail.createdAt,
    })
    .from(outboxEmail)
    .where(where)
    .orderBy(desc(outboxEmail.createdAt), desc(outboxEmail.id))
    .limit(Math.min(Math.max(opts.limit ?? 100, 1), 500));
}

export async function getOutboxEmail(db: Tx, id: string): Promise<OutboxEmail | undefined> {
  return db.query.outboxEmail.findFirst({ where: eq(outboxEmail.id, id) });
}

// Stored emails carry live links (confirm, manage, unsubscribe, one-click and
// the List-Unsubscribe header, all `…?token=…`): whoever reads one can
// confirm, change or end that person's subscription. Owners and admins see
// them (to follow a link while trying Herald out); editors and viewers see
// `token=[redacted]`. Any parameter ending in "token" counts: redacting one
// too many is harmless, one too few is not. Tokens are base64url (a "%"
// covers one that was ever percent-encoded); the characters after one, such
// as the full stop ending a sentence, stay.
const TOKEN_VALUE = /(token=)[A-Za-z0-9_%-]+/gi;

function redactTokens(s: string): string {
  return s.replace(TOKEN_VALUE, "$1[redacted]");
}

/** The stored email as the console shows it to this actor: token links only for owners and admins. */
export async function readOutboxEmail(ctx: Ctx, id: string): Promise<OutboxEmail | undefined> {
  requireRole(ctx.actor, "viewer");
  const email = await getOutboxEmail(ctx.db, id);
  if (!email || hasRole(ctx.actor, "admin")) return email;
  return {
    ...email,
    html: redactTokens(email.html),
    text: redactTokens(email.text),
    headers: Object.fromEntries(Object.entries(email.headers).map(([k, v]) => [k, redactTokens(v)])),
  };
}
