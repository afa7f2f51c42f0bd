import { request } from "node:http";
import type { RunningServer } from "../helpers/server";

export interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

export function get(url: string, headers: Record<string, string> = {}, method = "GET"): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers, body, text: body.toString("utf8") });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/**
 * A non-GET through Herald's server, as the console sends after a publish: the next public GET re-reads the version.
 */
export const nudge = (server: RunningServer) =>
  fetch(`${server.url}/api/v1/pages/nope`, { method: "PATCH", body: "{}" }).then((r) => r.arrayBuffer());
