// Proving that credentials work: STS GetCallerIdentity (who am I) and an EC2 DescribeInstances
// DryRun (may I use EC2 here). Heavy (AWS SDK): import lazily.
import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { createEc2Client, createStsClient, type ClientExtras } from "../aws/clients.js";
import type { AwsTarget } from "../aws/target.js";
import { describeError } from "../errors.js";
import type { Env } from "../home.js";

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/** Error names that mean "these credentials are wrong" (as opposed to network or permission trouble). */
export const BAD_CREDENTIALS = new Set([
  "InvalidClientTokenId",
  "SignatureDoesNotMatch",
  "AuthFailure",
  "UnrecognizedClientException",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidAccessKeyId",
]);

function errorName(err: unknown): string {
  const e = err as { name?: string; Code?: string; code?: string };
  return e?.name ?? e?.Code ?? e?.code ?? "Error";
}

/** Who these credentials are. Never throws: the caller reports the outcome as one line. */
export async function callerIdentity(target: AwsTarget, env: Env, extras: ClientExtras = {}): Promise<Outcome<CallerIdentity>> {
  const sts = createStsClient(target, env, { ...extras });
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    return { ok: true, value: { account: out.Account ?? "?", arn: out.Arn ?? "?", userId: out.UserId ?? "?" } };
  } catch (err) {
    return { ok: false, code: errorName(err), message: describeError(err) };
  } finally {
    sts.destroy();
  }
}

export interface Ec2Permission {
  /** True when EC2 answered DryRunOperation (the call would have been allowed). */
  allowed: boolean;
  /** What EC2 answered: "DryRunOperation", "UnauthorizedOperation", or another error code; "ok" if DryRun was ignored. */
  answer: string;
  message: string;
}

/**
 * DescribeInstances with DryRun=true: EC2 checks the permission and answers DryRunOperation
 * (allowed) or UnauthorizedOperation (not allowed), launching and reading nothing.
 */
export async function ec2DryRun(target: AwsTarget, extras: ClientExtras = {}): Promise<Ec2Permission> {
  const ec2 = createEc2Client(target, extras);
  try {
    await ec2.send(new DescribeInstancesCommand({ DryRun: true, MaxResults: 5 }));
    // An EC2-compatible endpoint that ignores DryRun answered for real: reading was allowed.
    return { allowed: true, answer: "ok", message: "the endpoint answered without a dry run (it ignores DryRun)" };
  } catch (err) {
    const name = errorName(err);
    if (name === "DryRunOperation") return { allowed: true, answer: name, message: "allowed" };
    if (name === "UnauthorizedOperation")
      return {
        allowed: false,
        answer: name,
        message:
          "your IAM identity may not call ec2:DescribeInstances (UnauthorizedOperation). Ask your AWS administrator for a policy allowing the EC2 actions this tool uses (e.g. AmazonEC2FullAccess), then run setup again.",
      };
    return { allowed: false, answer: name, message: describeError(err) };
  } finally {
    ec2.destroy();
  }
}
