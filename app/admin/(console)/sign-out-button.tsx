import { signOutAction } from "./actions";

/** The console's "Sign out" link-styled button (console header, two-factor enrolment). */
export function SignOutButton() {
  return (
    <form action={signOutAction}>
      <button type="submit" className="text-zinc-600 underline hover:text-blue-700 dark:text-zinc-400">
        Sign out
      </button>
    </form>
  );
}
