import { notFound } from "next/navigation";
import { requireUser } from "@/app/_server/auth";
import { formatDateTime } from "@/components/admin/time";
import { Card, PageHeader } from "@/components/admin/ui";
import { readOutboxEmail } from "@/lib/email/outbox";
import { getPage } from "@/lib/page/page";
import { BackToOutbox } from "../back-link";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const { ctx } = await requireUser();
  const email = await readOutboxEmail(ctx, (await params).id);
  return { title: `${email?.subject ?? "Email"} · Outbox · Herald` };
}

export default async function OutboxEmailPage({ params }: { params: Promise<{ id: string }> }) {
  const { ctx } = await requireUser();
  const email = await readOutboxEmail(ctx, (await params).id);
  if (!email) notFound();
  const headers: [string, string][] = [
    ["From", email.fromAddress],
    ["To", email.toAddress],
    ["Subject", email.subject],
    ...Object.entries(email.headers),
  ];
  return (
    <>
      <BackToOutbox />
      <PageHeader
        title={email.subject}
        description={`To ${email.toAddress} · ${formatDateTime(email.createdAt, (await getPage(ctx.db)).timeZone)}`}
      />
      <div className="space-y-6">
        <Card title="Headers">
          <dl
            className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 font-mono text-xs"
            data-testid="email-headers"
          >
            {headers.map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-zinc-500">{k}</dt>
                <dd className="break-all">{v}</dd>
              </div>
            ))}
          </dl>
        </Card>
        <Card title="HTML">
          {/* Sandboxed without scripts: the email renders as a mail client would, inert. */}
          <iframe
            title="Email HTML"
            sandbox=""
            srcDoc={email.html}
            className="h-[600px] w-full rounded border border-zinc-200 bg-white"
          />
        </Card>
        <Card title="Plain text">
          <pre className="whitespace-pre-wrap text-xs" data-testid="email-text">
            {email.text}
          </pre>
        </Card>
      </div>
    </>
  );
}
