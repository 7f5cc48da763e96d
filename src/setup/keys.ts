// Access keys as people paste them: checked for shape before anything is sent or written,
// and never echoed back whole (only a masked key id; never the secret).
import { InputError } from "../errors.js";

/** Long-term (AKIA) or temporary (ASIA) access key ids: 4 letters + 16 capitals/digits. */
export const ACCESS_KEY_ID = /^(AKIA|ASIA)[A-Z0-9]{16}$/;
/** Secret access keys: 40 characters of base64 (A-Z a-z 0-9 / +). */
export const SECRET_ACCESS_KEY = /^[A-Za-z0-9/+=]{40}$/;

export interface AccessKeys {
  accessKeyId: string;
  secretAccessKey: string;
  /** Required with temporary (ASIA...) keys. */
  sessionToken?: string;
}

/** "AKIA…CDEF": enough to recognise a key, not enough to use it. */
export function maskKeyId(id: string): string {
  return id.length <= 8 ? "…" : `${id.slice(0, 4)}…${id.slice(-4)}`;
}

/** Why a key id is not usable, or undefined when it is (for prompts' inline validation). */
export function keyIdProblem(id: string): string | undefined {
  const v = id.trim();
  if (v === "") return "Enter the access key id (it starts with AKIA).";
  // Never echo what was typed: a secret pasted into the wrong field would end up on screen.
  if (!ACCESS_KEY_ID.test(v))
    return "That is not an access key id: expected AKIA or ASIA followed by 16 capital letters or digits (20 characters).";
  return undefined;
}

export function secretProblem(secret: string): string | undefined {
  const v = secret.trim();
  if (v === "") return "Enter the secret access key.";
  if (!SECRET_ACCESS_KEY.test(v)) return `That is not a secret access key: expected 40 characters of letters, digits, / and + (got ${v.length}).`;
  return undefined;
}

/** Checks a key pair's shape; throws one clear input error naming where it came from (never the value). */
export function checkAccessKeys(keys: AccessKeys, source: { id: string; secret: string; token: string }): AccessKeys {
  const idProblem = keyIdProblem(keys.accessKeyId);
  if (idProblem) throw new InputError(`${source.id}: ${idProblem}`);
  const secretIssue = secretProblem(keys.secretAccessKey);
  if (secretIssue) throw new InputError(`${source.secret}: ${secretIssue}`);
  const accessKeyId = keys.accessKeyId.trim();
  const sessionToken = keys.sessionToken?.trim() || undefined;
  if (accessKeyId.startsWith("ASIA") && !sessionToken)
    throw new InputError(`${source.token} is required with temporary (ASIA…) keys; long-term keys start with AKIA.`);
  if (sessionToken && /[\s]/.test(sessionToken)) throw new InputError(`${source.token} must not contain spaces or line breaks.`);
  return { accessKeyId, secretAccessKey: keys.secretAccessKey.trim(), ...(sessionToken ? { sessionToken } : {}) };
}

/** The INI lines a credentials profile gets for these keys. */
export function credentialsValues(keys: AccessKeys): Record<string, string> {
  return {
    aws_access_key_id: keys.accessKeyId,
    aws_secret_access_key: keys.secretAccessKey,
    ...(keys.sessionToken ? { aws_session_token: keys.sessionToken } : {}),
  };
}
