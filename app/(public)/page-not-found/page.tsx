import type { Metadata } from "next";
import PublicNotFound from "../not-found";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Page not found", robots: { index: false, follow: false } };

/**
 * The body of every public 404 served from snapshots (NOT_FOUND_PAGE in
 * lib/snapshots/routes.ts): Next's own not-found response is a shell that its
 * client runtime fills in, blank without JavaScript.
 */
export default function PageNotFound() {
  return <PublicNotFound />;
}
