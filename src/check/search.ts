// Wing & Gong's linearizability search over one part of a history, with the memoization of
// Lowe (and of Porcupine): the calls and returns form a doubly linked list in time order;
// linearizing an operation lifts its call and return out of the list, backtracking puts them
// back. A return reached before its call was linearized means the current order is stuck.

import type { Budget } from './budget.js';
import type { Operation } from './history.js';
import { LinearizedSet } from './linearized-set.js';
import type { Model } from './model.js';
import { VisitedCache } from './visited-cache.js';

export type SearchOutcome =
  | { readonly verdict: 'ok'; readonly order: readonly number[] }
  | { readonly verdict: 'illegal'; readonly longestPrefix: readonly number[] }
  | { readonly verdict: 'unknown'; readonly reason: string };

/** Node 0 is the list head; operation i owns call node 2i+1 and return node 2i+2. */
const head = 0;
const none = -1;

const callNodeOf = (op: number): number => 2 * op + 1;
const opOfNode = (node: number): number => (node - 1) >>> 1;
const isCallNode = (node: number): boolean => (node & 1) === 1;

/** The event list of `ops`, as next/prev links in time order (calls before returns on ties). */
function linkEvents<Input, Output>(ops: readonly Operation<Input, Output>[]): { next: Int32Array; prev: Int32Array } {
  const nodes: number[] = [];
  for (let op = 0; op < ops.length; op++) nodes.push(callNodeOf(op), callNodeOf(op) + 1);
  const timeOf = (node: number): number =>
    isCallNode(node) ? ops[opOfNode(node)].callTime : ops[opOfNode(node)].returnTime;
  nodes.sort((a, b) => timeOf(a) - timeOf(b) || Number(isCallNode(b)) - Number(isCallNode(a)) || a - b);
  const next = new Int32Array(nodes.length + 1).fill(none);
  const prev = new Int32Array(nodes.length + 1).fill(none);
  let last = head;
  for (const node of nodes) {
    next[last] = node;
    prev[node] = last;
    last = node;
  }
  return { next, prev };
}

/** Searches for a linearization of `ops`, which must all belong to one part. */
export function searchPartition<State, Input, Output>(
  model: Model<State, Input, Output>,
  ops: readonly Operation<Input, Output>[],
  budget: Budget,
): SearchOutcome {
  const { next, prev } = linkEvents(ops);
  const linearized = new LinearizedSet(ops.length);
  const visited = new VisitedCache(budget.limits.visitedPairsMax, ops.length);
  const stackNodes = new Int32Array(ops.length);
  const stackStates: State[] = [];
  let longestPrefix: number[] = [];
  let state = model.init();
  let entry = next[head];
  while (next[head] !== none) {
    if (!budget.spendStep()) return { verdict: 'unknown', reason: `${budget.exhaustedBy} budget exhausted` };
    if (isCallNode(entry)) {
      const op = opOfNode(entry);
      const after = model.step(state, ops[op].input, ops[op].output);
      if (after !== undefined && tryVisit(visited, linearized, op, model.fingerprint(after))) {
        stackNodes[linearized.count - 1] = entry;
        stackStates.push(state);
        state = after;
        lift(next, prev, entry);
        entry = next[head];
      } else {
        if (visited.isFull) return { verdict: 'unknown', reason: 'visited-pairs budget exhausted' };
        entry = next[entry];
      }
      continue;
    }
    // A return whose call is still in the list: nothing in this order can come first. Undo the
    // last linearized operation and try the candidate after it.
    const depth = linearized.count;
    if (depth === 0) return { verdict: 'illegal', longestPrefix };
    if (depth > longestPrefix.length) longestPrefix = Array.from(stackNodes.subarray(0, depth), opOfNode);
    entry = stackNodes[depth - 1];
    state = stackStates.pop() as State;
    linearized.remove(opOfNode(entry));
    unlift(next, prev, entry);
    entry = next[entry];
  }
  if (linearized.count !== ops.length) throw new Error('search ended with operations left unlinearized');
  return { verdict: 'ok', order: Array.from(stackNodes, opOfNode) };
}

/** Marks `op` linearized unless that (set, state) pair was explored before. */
function tryVisit(visited: VisitedCache, linearized: LinearizedSet, op: number, fingerprint: string | number): boolean {
  if (visited.isFull) return false;
  linearized.add(op);
  if (visited.addIfNew(linearized, fingerprint)) return true;
  linearized.remove(op);
  return false;
}

/** Unlinks a call node and its return node (which always follows it). */
function lift(next: Int32Array, prev: Int32Array, call: number): void {
  const ret = call + 1;
  next[prev[call]] = next[call];
  prev[next[call]] = prev[call];
  next[prev[ret]] = next[ret];
  if (next[ret] !== none) prev[next[ret]] = prev[ret];
}

/** Relinks what `lift` removed; the removed nodes kept their own links, so order is restored. */
function unlift(next: Int32Array, prev: Int32Array, call: number): void {
  const ret = call + 1;
  next[prev[ret]] = ret;
  if (next[ret] !== none) prev[next[ret]] = ret;
  next[prev[call]] = call;
  prev[next[call]] = call;
}
