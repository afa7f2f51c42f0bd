// The session cookie's name, apart from lib/auth/auth.ts: the edge checks the
// cookie's signature without loading better-auth (lib/edge/session-cookie.ts).
export const SESSION_COOKIE_PREFIX = "herald";
/** better-auth's session cookie (plain or `__Secure-` prefixed). */
export const SESSION_COOKIE_MARKER = `${SESSION_COOKIE_PREFIX}.session_token`;
