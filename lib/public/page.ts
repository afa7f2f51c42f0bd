// The page as the public site shows it, and its public base URL.
import type { Tx } from "@/db/client";
import type { Page } from "@/db/schema";
import { findPage, publicPageOf, type PublicPage } from "../page/page";

export { publicPageOf, type PublicPage };

/** The page row the public site serves (the first page). */
export async function loadPublicPageRow(db: Tx): Promise<Page> {
  const p = await findPage(db);
  if (!p) throw new Error("No page exists yet");
  return p;
}

export async function loadPublicPage(db: Tx): Promise<PublicPage> {
  return publicPageOf(await loadPublicPageRow(db));
}

/** The page's public base URL: its own setting, else the install's HERALD_URL. No trailing slash. */
export function publicBaseUrl(p: Pick<PublicPage, "url">, fallback: string | undefined): string {
  return (p.url || fallback || "http://localhost:3000").replace(/\/+$/, "");
}
