import { embedScript } from "@/lib/embed/widget";

export const dynamic = "force-dynamic";

export function GET() {
  return new Response(embedScript(), {
    headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-store", "access-control-allow-origin": "*" },
  });
}
