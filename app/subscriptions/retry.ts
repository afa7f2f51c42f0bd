// The subscribe form shown again after a bad address. The flow is a plain
// POST → 303 that works without JavaScript and stores nothing for a rejected
// request, so the error and what was entered travel in the redirect's query:
// /subscriptions/new writes it, /subscriptions reads it. The error is a code
// from a fixed list, never text from the request, and only input problems come
// this way: every other outcome gets the same answer, so nothing here says
// whether an address is known.

export const SUBSCRIBE_ERRORS = {
  email: "Enter a valid email address, like name@example.com.",
} as const;
export type SubscribeError = keyof typeof SUBSCRIBE_ERRORS;

const MAX_EMAIL = 254;
const MAX_COMPONENTS = 500;
const ID = /^[0-9a-z]{1,32}$/;

/** Where a rejected subscribe goes: the form, with the error and the entered address and components. */
export function subscribeRetryPath(error: SubscribeError, email: string, componentIds: readonly unknown[]): string {
  const q = new URLSearchParams({ error, email: email.slice(0, MAX_EMAIL) });
  for (const id of componentIds.slice(0, MAX_COMPONENTS))
    if (typeof id === "string" && ID.test(id)) q.append("component", id);
  return `/subscriptions?${q}`;
}

export interface SubscribeRetry {
  error?: string;
  email?: string;
  chosen: ReadonlySet<string>;
}

const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);

/** Reads subscribeRetryPath's query; unknown error codes and malformed ids are ignored. */
export function readSubscribeRetry(params: Record<string, string | string[] | undefined>): SubscribeRetry {
  const code = one(params.error);
  const ids = [params.component ?? []]
    .flat()
    .filter((id) => ID.test(id))
    .slice(0, MAX_COMPONENTS);
  return {
    error: code && Object.hasOwn(SUBSCRIBE_ERRORS, code) ? SUBSCRIBE_ERRORS[code as SubscribeError] : undefined,
    email: one(params.email)?.slice(0, MAX_EMAIL),
    chosen: new Set(ids),
  };
}
