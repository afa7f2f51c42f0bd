import { DomainError } from "../errors";

/** A limit was hit. The edge answers 429 with `Retry-After: retryAfterSeconds`. */
export class RateLimitedError extends DomainError {
  override readonly status = 429;
  /** Whole seconds, at least 1 (the header has no fractions, and 0 invites a tight retry loop). */
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterMs: number) {
    super(message);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  }
}
