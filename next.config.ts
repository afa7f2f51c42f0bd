import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Several builds can live side by side (parallel test runs); `npm start` uses .next.
  distDir: process.env.HERALD_DIST_DIR || ".next",
  // `npm test` runs tsc on its own; the build only compiles.
  typescript: { ignoreBuildErrors: true },
  // Native and Node-only packages stay out of the server bundle.
  serverExternalPackages: ["@libsql/client", "libsql"],
  // Only the embed widget may be framed by other sites (clickjacking). The
  // snapshot server sends the same headers (lib/snapshots/routes.ts: FRAME_DENY).
  async headers() {
    return [
      {
        source: "/:path((?!embed$).*)",
        headers: [
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Content-Security-Policy", value: "frame-ancestors 'none'" },
        ],
      },
      { source: "/embed", headers: [{ key: "Content-Security-Policy", value: "frame-ancestors *" }] },
    ];
  },
  experimental: {
    serverActions: { bodySizeLimit: "1mb" },
    // CI builds a fresh clone once: it never reads Turbopack's build cache, and writing it took 14 s there.
    turbopackFileSystemCacheForBuild: !process.env.CI,
  },
};

export default nextConfig;
