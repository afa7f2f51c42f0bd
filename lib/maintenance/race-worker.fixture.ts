// Test fixture for transitions.test.ts: one scheduler process. Usage:
//   tsx race-worker.fixture.ts <database url> <now ISO> <start at epoch ms>
// Waits for the shared start time so both processes race, then prints the
// number of transitions it performed.
import { openDb } from "@/db/client";
import { runMaintenanceTransitions } from "./transitions";

const [url, nowIso, goAt] = process.argv.slice(2);
const { db, client } = openDb({ url });
const now = new Date(nowIso);
await db.get(`select 1`);
while (Date.now() < Number(goAt)) await new Promise((r) => setTimeout(r, 1));
const n = await runMaintenanceTransitions({ db, now: () => now });
client.close();
process.stdout.write(String(n));
