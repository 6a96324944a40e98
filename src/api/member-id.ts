// Member and cluster ids as etcd prints them (types.ID.String()): lower-case hex without
// leading zeros, and etcd's order of members (by numeric id).

import type { MemberView } from './api-backend.js';

/** A 1-16 digit hex id in etcd's spelling. */
export function goMemberId(hexId: string): string {
  if (!/^[0-9a-f]{1,16}$/.test(hexId)) throw new Error(`member and cluster ids are 1-16 hex digits, got ${JSON.stringify(hexId)}`);
  return hexId.replace(/^0+(?=.)/, '');
}

/** types.IDFromString: a hex number of at most 64 bits, or null. */
export function parseMemberId(text: string): bigint | null {
  if (!/^[0-9a-fA-F]{1,16}$/.test(text.replace(/^0+(?=.)/, ''))) return null;
  return BigInt('0x' + text);
}

function compareMemberIds(a: string, b: string): number {
  const left = BigInt('0x' + a);
  const right = BigInt('0x' + b);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The members in etcd's order (by numeric id). */
export function sortMembers(members: readonly MemberView[]): MemberView[] {
  return [...members].sort((a, b) => compareMemberIds(a.id, b.id));
}
