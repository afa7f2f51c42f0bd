import type { IncomingMessage } from "node:http";

/** A whole answer from a trusted server (the application process, a Herald origin), read into memory. */
export interface Buffered {
  status: number;
  contentType: string;
  body: Buffer;
  headers: IncomingMessage["headers"];
}

/** Reads an answer to its end. Only for servers Herald runs itself: nothing here caps the body. */
export function readBuffered(res: IncomingMessage): Promise<Buffered> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () =>
      resolve({
        status: res.statusCode ?? 500,
        contentType: String(res.headers["content-type"] ?? "application/octet-stream"),
        body: Buffer.concat(chunks),
        headers: res.headers,
      }),
    );
    res.on("error", reject);
  });
}
