// Which directed links a network partition cuts: split the members into groups that cannot
// reach each other, or cut links one way only (A no longer hears B, B still hears A). Applying
// a set of cuts to a mesh of links also heals every link the set does not name.

import type { NodeId } from '../raft/types.js';
import type { LinkConfig } from './link-config.js';

export interface DirectedLink {
  from: NodeId;
  to: NodeId;
}

/** Anything whose `cut` setting can change, such as a ShapedLink. */
export interface Cuttable {
  configure(update: Partial<LinkConfig>): void;
}

/** The key of the link from `from` to `to` in a mesh map. */
export function linkKey(from: NodeId, to: NodeId): string {
  return `${from}->${to}`;
}

/** Every directed link between distinct members. */
export function allLinks(nodes: readonly NodeId[]): DirectedLink[] {
  assertDistinct(nodes, 'nodes');
  return nodes.flatMap((from) => nodes.filter((to) => to !== from).map((to) => ({ from, to })));
}

/**
 * The links a partition into `groups` cuts: every link between members of different groups,
 * both ways. Members named in no group form one more group together, so `[['n1']]` isolates n1.
 */
export function partitionCuts(nodes: readonly NodeId[], groups: readonly (readonly NodeId[])[]): DirectedLink[] {
  const groupOf = new Map<NodeId, number>();
  groups.forEach((group, index) => {
    for (const node of group) {
      if (!nodes.includes(node)) throw new RangeError(`partition names unknown node ${node}`);
      if (groupOf.has(node)) throw new RangeError(`partition names node ${node} twice`);
      groupOf.set(node, index);
    }
  });
  const restGroup = groups.length;
  const group = (node: NodeId): number => groupOf.get(node) ?? restGroup;
  return allLinks(nodes).filter((link) => group(link.from) !== group(link.to));
}

/** The links from each of `from` to each of `to`: those senders can no longer reach those receivers. */
export function oneWayCuts(from: readonly NodeId[], to: readonly NodeId[]): DirectedLink[] {
  assertDistinct(from, 'senders');
  assertDistinct(to, 'receivers');
  return from.flatMap((sender) => to.filter((receiver) => receiver !== sender).map((receiver) => ({ from: sender, to: receiver })));
}

/** Cuts exactly the links named in `cuts` and heals every other link of the mesh. */
export function applyCuts(mesh: ReadonlyMap<string, Cuttable>, cuts: readonly DirectedLink[]): void {
  const cutKeys = new Set(cuts.map((link) => linkKey(link.from, link.to)));
  for (const key of cutKeys) if (!mesh.has(key)) throw new RangeError(`cut names link ${key}, which the mesh lacks`);
  for (const [key, link] of mesh) link.configure({ cut: cutKeys.has(key) });
}

/** Heals every link of the mesh. */
export function healAll(mesh: ReadonlyMap<string, Cuttable>): void {
  applyCuts(mesh, []);
}

function assertDistinct(nodes: readonly NodeId[], what: string): void {
  if (new Set(nodes).size !== nodes.length) throw new RangeError(`${what} repeat a node: ${nodes.join(',')}`);
}
