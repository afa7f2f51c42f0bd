// A place the static site is pushed to (issue 16): a directory, a git branch, an S3 bucket.
export type TargetKind = "directory" | "git" | "s3";

export interface TargetBegin {
  /**
   * What the target holds when the stored manifest cannot be trusted (a full
   * sync, or another writer on a git branch): path → sha256, "md5:<hex>" when
   * the target only knows the MD5 (an S3 ETag), "" when unknown.
   * Null: the stored manifest is right.
   */
  listed: Map<string, string> | null;
}

export interface TargetDriver {
  /** Stable id (the mirror_target row). */
  id: string;
  kind: TargetKind;
  /** Where it points, without credentials. */
  label: string;
  /** How many puts may run at once. */
  concurrency: number;
  begin(opts: { full: boolean; remoteHead: string | null }): Promise<TargetBegin>;
  put(file: string, body: Buffer, contentType: string): Promise<void>;
  remove(files: readonly string[]): Promise<void>;
  /** Makes the pushed files visible (git: commit and push); returns the new head where there is one. */
  finish(message: string): Promise<{ remoteHead: string | null }>;
  /** Secrets to scrub from any error text before it is stored or printed. */
  secrets: readonly string[];
}

/** Error text with every secret replaced (git echoes URLs, SDKs echo requests). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join("***");
  // Credentials in a URL's userinfo, whatever they are.
  return out.replace(/(\w+:\/\/)[^/@\s:]+:[^/@\s]+@/g, "$1***@");
}
