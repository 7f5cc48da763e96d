// EC2 instance ids: their shape, and EC2's answer that some of them do not exist. Light (no SDK),
// so the commands can check `--ids` before loading anything.

/** "i-" and 8 (older instances) or 17 hexadecimal digits. */
export const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/** Ids EC2 names in an InvalidInstanceID.NotFound message ("The instance IDs 'i-1, i-2' do not exist"). */
export function idsInMessage(message: string | undefined): string[] {
  return [...new Set((message ?? "").match(/\bi-(?:[0-9a-f]{17}|[0-9a-f]{8})\b/g) ?? [])];
}

/** The ids an error says do not exist: those named by InvalidInstanceID.NotFound, else none. */
function missingIds(err: unknown): Set<string> {
  const e = err as { name?: string; message?: string } | undefined;
  return new Set(e?.name === "InvalidInstanceID.NotFound" ? idsInMessage(e.message) : []);
}

/**
 * Calls `call(ids)`. When EC2 answers InvalidInstanceID.NotFound for some of them (an instance
 * gone since it was listed, or one launched so recently that EC2 does not show it yet: eventual
 * consistency), drops those and asks again for the rest, so one id never fails the others.
 * Returns the answer (none when no id was left to ask about) and the dropped ids. Any other error,
 * or a NotFound naming none of `ids`, is thrown.
 */
export async function withoutMissingIds<T>(
  ids: readonly string[],
  call: (ids: string[]) => Promise<T>,
): Promise<{ answer?: T; missing: string[] }> {
  let rest = [...ids];
  const missing: string[] = [];
  while (rest.length > 0) {
    try {
      return { answer: await call(rest), missing };
    } catch (err) {
      const gone = missingIds(err);
      const left = rest.filter((id) => !gone.has(id));
      if (left.length === rest.length) throw err;
      missing.push(...rest.filter((id) => gone.has(id)));
      rest = left;
    }
  }
  return { missing };
}
