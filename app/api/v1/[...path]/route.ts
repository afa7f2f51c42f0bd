// Unknown management API paths answer in JSON like the rest of the API, not with the HTML 404 page.
export const dynamic = "force-dynamic";

function notFound(): Response {
  return Response.json({ error: "Not found" }, { status: 404, headers: { "cache-control": "no-store" } });
}

export { notFound as GET, notFound as POST, notFound as PATCH, notFound as PUT, notFound as DELETE };
