import { formRoute } from "@/app/_server/forms";
import { seeOther } from "@/app/_server/subscriptions";
import { unsubscribeByToken } from "@/lib/subscribers/subscribe";

// The List-Unsubscribe URL of every email. RFC 8058: the mail client POSTs
// "List-Unsubscribe=One-Click" here, without cookies; the token in the URL is
// the only credential. The unsubscribe page's button posts here too, with the
// token in the form. A GET (a person clicking, or a scanner) changes nothing.

export const POST = formRoute({ name: "unsubscribe", invalid: () => "/subscriptions/done?what=invalid" }, async (f) => {
  const fromForm = f.form?.get("token");
  const token = typeof fromForm === "string" ? fromForm : new URL(f.request.url).searchParams.get("token");
  const ok = await unsubscribeByToken(f.ctx, f.pageId, token);
  if (typeof fromForm === "string") return `/subscriptions/done?what=${ok ? "unsubscribed" : "invalid"}`;
  return new Response(ok ? "Unsubscribed.\n" : "This link is not valid.\n", {
    status: ok ? 200 : 404,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
});

export async function GET(req: Request) {
  const token = new URL(req.url).searchParams.get("token") ?? "";
  return seeOther(req, `/subscriptions/unsubscribe?token=${encodeURIComponent(token)}`);
}
