/** Shared by better-auth's options (auth.ts) and the use cases creating accounts (lib/users), with no import cycle. */
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;
