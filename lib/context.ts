import type { z } from "zod";
import type { Db } from "@/db/client";
import type { ActorType, Role } from "@/db/constants";
import { ForbiddenError, ValidationError, type FieldErrors } from "./errors";

/** Who is acting. Every use case checks the role itself. */
export interface Actor {
  type: ActorType;
  id: string | null;
  label: string;
  role: Role;
}

/** What a use case runs with: the database, a clock and the acting party. */
export interface Ctx {
  db: Db;
  now: () => Date;
  actor: Actor;
}

/**
 * The same without an acting party: the public subscription flows (the
 * visitor is anonymous), the delivery worker and the scheduler.
 */
export type PublicCtx = Omit<Ctx, "actor">;

export const SYSTEM_ACTOR: Actor = { type: "system", id: null, label: "system", role: "owner" };
export const CLI_ACTOR: Actor = { type: "cli", id: null, label: "cli", role: "owner" };

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

export function hasRole(actor: Actor, min: Role): boolean {
  return RANK[actor.role] >= RANK[min];
}

export function requireRole(actor: Actor, min: Role): void {
  if (!hasRole(actor, min)) throw new ForbiddenError(`This needs the ${min} role or higher`);
}

/** zod parse that turns failures into a ValidationError with per-field messages. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    const message =
      issue.code === "unrecognized_keys"
        ? `Unknown field${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}`
        : issue.message;
    (fieldErrors[key] ??= []).push(message);
  }
  const first = Object.entries(fieldErrors)[0];
  const summary = first ? (first[0] === "_" ? first[1][0] : `${first[0]}: ${first[1][0]}`) : "Invalid input";
  throw new ValidationError(summary, fieldErrors);
}
