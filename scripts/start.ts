// `npm start`: migrate, build if needed, then serve Herald on PORT.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import next from "next";
import { env } from "@/lib/env";
import { bootstrap } from "./bootstrap";

Object.assign(process.env, { NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: process.env.NODE_ENV ?? "production" });
const config = env();

const distDir = process.env.HERALD_DIST_DIR || ".next";
if (!existsSync(`${distDir}/BUILD_ID`) || process.env.HERALD_REBUILD === "1") {
  console.log("[herald] building (first start)…");
  const result = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { stdio: "inherit", env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

await bootstrap();

const app = next({ dev: false, dir: process.cwd() });
await app.prepare();
const handle = app.getRequestHandler();

const server = createServer((req, res) => {
  handle(req, res).catch((err) => {
    console.error("[herald] request failed", err);
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
    res.end("Internal error");
  });
});

server.listen(config.PORT, config.HOST, () => {
  console.log(`[herald] ready on http://localhost:${config.PORT}`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
}
