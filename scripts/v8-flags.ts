/**
 * V8 flags of both Herald processes: the edge gets them from package.json's start script (a test holds the two
 * together), the application process from its fork in scripts/start.ts, after a crash too. The young generation never
 * shrinks below 16 MB. An idle process's memory reducer shrinks it to 1 MB, and the first publish after a quiet spell
 * then ran some twenty collections in the application process while it rendered `/` (promoting the render's
 * short-lived objects), and nine scavenges and a full collection in the edge while it made that render into a
 * snapshot. Neither this nor the keep-warm (HERALD_KEEP_WARM_SECONDS) alone kept that publish fast; bench/public.ts
 * measures it. The cost, idle on a 10-year page (one sample each): ~13 MB more resident in the application process,
 * ~26 MB in the edge after a load (191 against 165 MB).
 */
export const V8_FLAGS = ["--min-semi-space-size=16"] as const;
