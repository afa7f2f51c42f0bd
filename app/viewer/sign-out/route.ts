import { signedOut } from "../session";

export function POST(): Response {
  return signedOut();
}
