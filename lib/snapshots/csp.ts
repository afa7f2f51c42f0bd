// The Content-Security-Policy of a public HTML snapshot: exactly what the page
// uses. Snapshot HTML has no external scripts (html.ts drops Next's runtime);
// the scripts it keeps are inline and allowed by their hashes, so an injected
// script — were one ever to slip past the markdown sanitizer — does not run.
import { createHash } from "node:crypto";

const INLINE_SCRIPT = /<script\b[^>]*>([\s\S]*?)<\/script>/gi;

/** `frameAncestors` is the route's framing policy ("frame-ancestors 'none'" or "frame-ancestors *"). */
export function htmlCsp(html: string, frameAncestors: string): string {
  const hashes = [...html.matchAll(INLINE_SCRIPT)].map(
    (m) => `'sha256-${createHash("sha256").update(m[1], "utf8").digest("base64")}'`,
  );
  return [
    "default-src 'none'",
    `script-src ${hashes.length ? hashes.join(" ") : "'none'"}`,
    // Inline <style> and style attributes (uptime bars); a stylesheet link stays when it could not be inlined.
    "style-src 'self' 'unsafe-inline'",
    // The page's logo may live anywhere on https.
    "img-src 'self' data: https:",
    "font-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    frameAncestors.match(/frame-ancestors[^;]*/)?.[0] ?? "frame-ancestors 'none'",
  ].join("; ");
}
