import "server-only";
import { headers } from "next/headers";
import { env } from "@/lib/env";
import { getPage } from "@/lib/page/page";
import { ANONYMOUS, type Viewer } from "@/lib/public/visibility";
import { getDb } from "@/lib/runtime";
import { isPrivatePage } from "@/lib/viewers/access";
import { readView, VIEW_HEADER } from "@/lib/viewers/view-header";

/**
 * The viewer a public render is for (issue 13): the signed view the snapshot
 * server renders with, else anonymous. Null when the page is private and the
 * render has no view: the surface must show nothing (the snapshot gate has
 * already refused the reader; this is the second lock).
 */
export async function renderViewer(): Promise<Viewer | null> {
  const view = readView((await headers()).get(VIEW_HEADER), env().HERALD_SECRET);
  if (view) return view;
  const db = getDb();
  return (await isPrivatePage(db, (await getPage(db)).id)) ? null : ANONYMOUS;
}

/**
 * Whether this render is a signed-in view (an audience's, or a private page's): its pages carry a "Sign out"
 * button. The anonymous public site never does, so it stays one set of bytes for everyone.
 */
export async function isSignedInRender(): Promise<boolean> {
  return readView((await headers()).get(VIEW_HEADER), env().HERALD_SECRET) !== null;
}

/** The answer of a machine surface (JSON, feed, badge, image) of a private page rendered without a view. */
export function privatePageRefusal(): Response {
  return Response.json(
    { error: "This status page is private." },
    { status: 401, headers: { "cache-control": "no-store" } },
  );
}
