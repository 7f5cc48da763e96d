// One place that turns any failure into one clear line: what went wrong, why, what to do.
import { commandToType } from "./invocation.js";
import { visible } from "./ui/visible.js";

/** A mistake or a situation the user can fix; printed as one line, never with a stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = "UserError";
  }
}

/** Bad command-line input found after parsing (exit 2, like clipanion's own usage errors). */
export class InputError extends UserError {
  constructor(message: string) {
    super(message, 2);
    this.name = "InputError";
  }
}

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

const AWS_HINTS: Record<string, (e: ErrorLike) => string> = {
  CredentialsProviderError: () =>
    `No usable AWS credentials were found. Run \`${commandToType("setup")}\`, or set AWS_PROFILE / AWS_ACCESS_KEY_ID.`,
  ExpiredToken: () => "Your AWS session token has expired. Log in again (e.g. `aws sso login`) and retry.",
  ExpiredTokenException: () => "Your AWS session token has expired. Log in again (e.g. `aws sso login`) and retry.",
  RequestExpired: () => "AWS rejected the request as expired: check this machine's clock, then retry.",
  AuthFailure: () => `AWS did not accept these credentials. Run \`${commandToType("setup")}\` to check or replace them.`,
  InvalidClientTokenId: () =>
    `AWS does not know this access key id. Run \`${commandToType("setup")}\` to check or replace the credentials.`,
  SignatureDoesNotMatch: () =>
    `AWS rejected the secret access key (signature mismatch). Run \`${commandToType("setup")}\` to replace it.`,
  UnauthorizedOperation: (e) =>
    `Not allowed by your IAM policy: ${shortAwsMessage(e)} Ask your AWS administrator for the EC2 permissions listed in README.md.`,
  AccessDenied: (e) => `Access denied: ${shortAwsMessage(e)}`,
  // The request timeouts of src/aws/clients.ts: connected but no answer, or no connection at all.
  TimeoutError: () =>
    "The AWS endpoint did not answer in time. Check the network, --region and --endpoint-url, then retry.",
  RequestLimitExceeded: () =>
    "EC2 kept throttling the requests (RequestLimitExceeded) past the retry budget. Wait a minute and run the command again.",
};

const NETWORK_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN", "EHOSTUNREACH"]);

function shortAwsMessage(e: ErrorLike): string {
  // EC2 messages are one sentence, but some carry an encoded authorization blob: drop it.
  const msg = (e.message ?? "").replace(/Encoded authorization failure message: \S+/, "").trim();
  return msg.endsWith(".") ? msg : `${msg}.`;
}

function findNetworkCode(err: unknown): string | undefined {
  for (let e = err as ErrorLike | undefined, depth = 0; e && depth < 5; e = e.cause as ErrorLike, depth++) {
    if (e.code && NETWORK_CODES.has(e.code)) return e.code;
  }
  return undefined;
}

/**
 * The one line to print for an error. It quotes AWS's messages and values from files, so its
 * control characters are made visible: it stays one line and cannot act on the terminal.
 */
export function describeError(err: unknown): string {
  return visible(errorLine(err));
}

function errorLine(err: unknown): string {
  if (err instanceof UserError) return err.message;
  const e = (err ?? {}) as ErrorLike;
  const name = e.name ?? e.Code ?? "";
  const hint = AWS_HINTS[name];
  if (hint) return hint(e);
  const net = findNetworkCode(err);
  if (net)
    return `Cannot reach the AWS endpoint (${net}). Check the network, --region and --endpoint-url, then retry.`;
  if (e.$metadata && name) return `AWS error ${name}: ${shortAwsMessage(e)}`;
  const msg = e.message ?? String(err);
  return msg.split("\n")[0] ?? "Unknown error";
}

export function exitCodeOf(err: unknown): number {
  return err instanceof UserError ? err.exitCode : 1;
}
