// Typed errors that the edges (actions, route handlers, CLI) map to safe
// messages and HTTP statuses. Anything else is a bug: logged in full, shown as
// "Something went wrong".

export type FieldErrors = Record<string, string[]>;

export class DomainError extends Error {
  readonly status: number = 400;
}

export class ValidationError extends DomainError {
  override readonly status = 422;
  constructor(
    message: string,
    readonly fieldErrors: FieldErrors = {},
  ) {
    super(message);
  }
}

export class NotFoundError extends DomainError {
  override readonly status = 404;
  constructor(what: string) {
    super(`${what} not found`);
  }
}

export class ConflictError extends DomainError {
  override readonly status = 409;
}

export class UnauthorizedError extends DomainError {
  override readonly status = 401;
  constructor(message = "Authentication required") {
    super(message);
  }
}

export class ForbiddenError extends DomainError {
  override readonly status = 403;
  constructor(message = "You do not have permission to do that") {
    super(message);
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}
