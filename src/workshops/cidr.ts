// CIDR arithmetic for the workshop's network, in the form AWS and its Pulumi provider expect:
// the provider refuses a CIDR that is not written exactly as its network address in canonical
// form (Go's net.IPNet String(): "10.42.0.0/16", "2001:db8::/32"), and AWS reports IPv6 blocks
// in that form, so anything the program computes must be canonical too or every `up` would
// see a change.
import { isIP } from "node:net";

export interface Cidr {
  family: 4 | 6;
  /** The address as a number (IPv4 in the low 32 bits). */
  value: bigint;
  bits: number;
}

const WIDTH = { 4: 32, 6: 128 } as const;

function parseIpv6(address: string): bigint | undefined {
  const [head = "", tail, ...rest] = address.split("::");
  if (rest.length) return undefined;
  const groups = (part: string): string[] => (part ? part.split(":") : []);
  let left = groups(head);
  let right = tail === undefined ? [] : groups(tail);
  // An embedded IPv4 tail (::ffff:192.0.2.1) counts as two groups.
  const last = (tail === undefined ? left : right).at(-1);
  if (last?.includes(".")) {
    const v4 = parseIpv4(last);
    if (v4 === undefined) return undefined;
    const parts = [(v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)];
    if (tail === undefined) left = [...left.slice(0, -1), ...parts];
    else right = [...right.slice(0, -1), ...parts];
  }
  const fill = 8 - left.length - right.length;
  if (tail === undefined ? fill !== 0 : fill < 1) return undefined;
  const all = [...left, ...Array<string>(tail === undefined ? 0 : fill).fill("0"), ...right];
  if (all.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return all.reduce((n, g) => (n << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function parseIpv4(address: string): bigint | undefined {
  if (isIP(address) !== 4) return undefined;
  return address.split(".").reduce((n, octet) => (n << 8n) | BigInt(Number(octet)), 0n);
}

/** Parses "a.b.c.d/n" or "x:y::/n"; undefined when it is not a CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const family = isIP(m[1]!);
  if (family !== 4 && family !== 6) return undefined;
  const bits = Number(m[2]);
  if (bits > WIDTH[family]) return undefined;
  const value = family === 4 ? parseIpv4(m[1]!) : parseIpv6(m[1]!);
  return value === undefined ? undefined : { family, value, bits };
}

function hostMask(c: Pick<Cidr, "family" | "bits">): bigint {
  return (1n << BigInt(WIDTH[c.family] - c.bits)) - 1n;
}

/** The network the CIDR's address is in ("10.42.1.0/16" -> 10.42.0.0/16). */
export function networkOf(c: Cidr): Cidr {
  return { ...c, value: c.value & ~hostMask(c) };
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join(".");
}

/** RFC 5952 (as Go prints it): lowercase, no leading zeros, the longest run of two or more zero groups as "::". */
function formatIpv6(value: bigint): string {
  const groups = [7, 6, 5, 4, 3, 2, 1, 0].map((i) => Number((value >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

export function formatCidr(c: Cidr): string {
  return `${c.family === 4 ? formatIpv4(c.value) : formatIpv6(c.value)}/${c.bits}`;
}

/**
 * Why `text` cannot be used as written (not a CIDR; not its network address; not in canonical
 * form, with the form to use), or undefined when it is fine.
 */
export function cidrProblem(text: string): string | undefined {
  const c = parseCidr(text);
  if (!c) return `"${text}" is not an IPv4 or IPv6 CIDR (e.g. 0.0.0.0/0, 203.0.113.0/24, ::/0)`;
  const network = formatCidr(networkOf(c));
  if (network !== text)
    return networkOf(c).value !== c.value
      ? `"${text}" is not a network address (its network is ${network}): use ${network}`
      : `"${text}" is not written in canonical form: use ${network}`;
  return undefined;
}

/**
 * The subnet at `index` inside `parent`, `newBits` longer: 10.42.0.0/16 with 2 more bits ->
 * 10.42.0.0/18, 10.42.64.0/18, ...; 2600:1f18:abc:de00::/56 with 8 more -> .../64 subnets.
 */
export function subnetOf(parent: string, newBits: number, index: number): string {
  const c = parseCidr(parent);
  if (!c) throw new RangeError(`not a CIDR: ${parent}`);
  const bits = c.bits + newBits;
  if (bits > WIDTH[c.family] || index < 0 || index >= 2 ** newBits) throw new RangeError(`no subnet ${index} of /${bits} in ${parent}`);
  const base = networkOf(c).value;
  return formatCidr({ family: c.family, bits, value: base + (BigInt(index) << BigInt(WIDTH[c.family] - bits)) });
}
