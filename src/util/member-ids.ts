// The names raftyard gives the members of a cluster of N: n1..nN. Presets, the cluster, its
// manifest, the bench targets and chaos plans all name members this way.

/** The ids of a cluster of `count` members: n1..nN, the names every member, log and flag uses. */
export function memberIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `n${i + 1}`);
}
