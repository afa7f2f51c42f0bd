// An S3-compatible bucket (AWS S3, Cloudflare R2, Backblaze B2, MinIO…) through
// the official AWS SDK. Each object carries the content type Herald served and
// a short cache lifetime (Next's content-named assets: a year); the bucket gets
// a CORS rule so the JSON API can be read from other sites, as on the origin.
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { LookupFunction } from "node:net";
import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutBucketCorsCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { redact, type TargetDriver } from "./types";

export interface S3TargetOptions {
  bucket: string;
  /** Key prefix inside the bucket ("" or "status/"). */
  prefix?: string;
  region?: string;
  /** For anything but AWS: https://<account>.r2.cloudflarestorage.com, http://127.0.0.1:9000… */
  endpoint?: string;
  forcePathStyle?: boolean;
  accessKeyId?: string;
  secretAccessKey?: string;
  /**
   * The SSRF rules for a user-given endpoint (lib/net): `check` refuses a bad
   * URL or address literal before anything is sent, `lookup` every forbidden
   * address a name resolves to, at connect time.
   */
  guard?: { check: (url: string) => void; lookup: LookupFunction };
  /** Set the bucket's CORS rule (GET from any origin) on the first push. */
  cors?: boolean;
  id?: string;
}

/** Long-lived for content-named files, short for everything that changes with the content. */
export function cacheControlFor(file: string): string {
  return file.startsWith("_next/static/")
    ? "public, max-age=31536000, immutable"
    : "public, max-age=30, stale-while-revalidate=60";
}

/** "md5:<hex>" for a single-part upload's ETag (a multipart one, "<hex>-<parts>", says nothing of the bytes). */
export function md5OfETag(etag: string | undefined): string | undefined {
  const m = /^"?([0-9a-f]{32})"?$/i.exec(etag ?? "");
  return m ? `md5:${m[1].toLowerCase()}` : undefined;
}

export function s3Label(o: Pick<S3TargetOptions, "bucket" | "prefix" | "endpoint">): string {
  const at = o.endpoint ? ` at ${o.endpoint.replace(/(\w+:\/\/)[^/@]*@/, "$1")}` : "";
  return `s3://${o.bucket}/${o.prefix ?? ""}${at}`;
}

export function s3Target(opts: S3TargetOptions): TargetDriver {
  const prefix = opts.prefix ? opts.prefix.replace(/^\/+/, "").replace(/\/*$/, "/") : "";
  const agentOptions = { keepAlive: true, maxSockets: 16, ...(opts.guard ? { lookup: opts.guard.lookup } : {}) };
  const client = new S3Client({
    region: opts.region ?? "auto",
    endpoint: opts.endpoint,
    forcePathStyle: opts.forcePathStyle ?? Boolean(opts.endpoint),
    credentials:
      opts.accessKeyId && opts.secretAccessKey
        ? { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey }
        : undefined,
    // Checksums only where S3 requires them: several S3-compatible stores reject the newer default trailers.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 3,
    requestHandler: {
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      connectionTimeout: 10_000,
      requestTimeout: 60_000,
    },
  });
  const secrets = [opts.secretAccessKey ?? "", opts.accessKeyId ?? ""].filter(Boolean);
  const wrap = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      const status = e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : "";
      throw new Error(redact(`S3 ${what} failed${status}: ${e.name ?? "Error"}: ${e.message ?? String(err)}`, secrets));
    }
  };
  let corsDone = opts.cors === false;
  return {
    id: opts.id ?? "s3",
    kind: "s3",
    label: s3Label(opts),
    concurrency: 16,
    secrets,
    async begin({ full }) {
      if (opts.endpoint && opts.guard) {
        try {
          opts.guard.check(opts.endpoint);
        } catch (err) {
          throw new Error(`S3 endpoint refused: ${(err as Error).message}`);
        }
      }
      if (!corsDone) {
        await wrap("PutBucketCors", () =>
          client.send(
            new PutBucketCorsCommand({
              Bucket: opts.bucket,
              CORSConfiguration: {
                CORSRules: [
                  {
                    AllowedOrigins: ["*"],
                    AllowedMethods: ["GET", "HEAD"],
                    AllowedHeaders: ["*"],
                    MaxAgeSeconds: 3600,
                  },
                ],
              },
            }),
          ),
        );
        corsDone = true;
      }
      if (!full) return { listed: null };
      const listed = new Map<string, string>();
      let token: string | undefined;
      do {
        const page = await wrap("ListObjectsV2", () =>
          client.send(
            new ListObjectsV2Command({ Bucket: opts.bucket, Prefix: prefix || undefined, ContinuationToken: token }),
          ),
        );
        // A single-part upload's ETag is the MD5 of its bytes: an object that already holds them is not sent again.
        for (const o of page.Contents ?? []) if (o.Key) listed.set(o.Key.slice(prefix.length), md5OfETag(o.ETag) ?? "");
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return { listed };
    },
    async put(file, body, contentType) {
      await wrap(`PutObject ${file}`, () =>
        client.send(
          new PutObjectCommand({
            Bucket: opts.bucket,
            Key: prefix + file,
            Body: body,
            ContentType: contentType,
            CacheControl: cacheControlFor(file),
          }),
        ),
      );
    },
    async remove(files) {
      for (let i = 0; i < files.length; i += 1000) {
        const chunk = files.slice(i, i + 1000);
        const out = await wrap("DeleteObjects", () =>
          client.send(
            new DeleteObjectsCommand({
              Bucket: opts.bucket,
              Delete: { Objects: chunk.map((f) => ({ Key: prefix + f })), Quiet: true },
            }),
          ),
        );
        if (out.Errors?.length)
          throw new Error(
            redact(
              `S3 DeleteObjects: ${out.Errors.length} not deleted (${out.Errors[0].Key}: ${out.Errors[0].Code})`,
              secrets,
            ),
          );
      }
    },
    async finish() {
      return { remoteHead: null };
    },
  };
}
