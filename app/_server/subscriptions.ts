import "server-only";
import { CLIENT_IP_HEADER } from "@/lib/edge/client-ip";
import { env } from "@/lib/env";
import type { SubscriptionConfig } from "@/lib/subscribers/subscribe";

/** The public subscription flows' settings, from the environment (lib/env.ts). */
export function subscriptionConfig(): SubscriptionConfig {
  const e = env();
  return {
    secret: e.HERALD_SECRET,
    limits: {
      perAddress15m: e.HERALD_SUBSCRIBE_PER_ADDRESS_15M,
      perAddressDay: e.HERALD_SUBSCRIBE_PER_ADDRESS_DAY,
      perIpHour: e.HERALD_SUBSCRIBE_PER_IP_HOUR,
      globalHour: e.HERALD_SUBSCRIBE_GLOBAL_HOUR,
    },
  };
}

/** The client address for the per-IP limit, as the edge decided it (lib/edge/client-ip.ts). */
export function clientIp(req: Request): string {
  return (req.headers.get(CLIENT_IP_HEADER) || "unknown").slice(0, 100);
}

/** 303 to a path on this site (a POST answered with a page to GET). */
export function seeOther(_req: Request, path: string): Response {
  return new Response(null, { status: 303, headers: { location: path, "cache-control": "no-store" } });
}
