// Test tooling: a reference checker written straight from the definition, for small
// histories. It tries every order of the operations that respects real time (an operation
// that returned before another was called comes first), lets an operation that never returned
// with an unknown outcome be left out, and asks the model about each order. No memo, no
// linked lists: slow, and obviously right.

import type { History } from '../../src/check/history.js';
import type { NondeterministicModel } from '../../src/check/models/power-set.js';

export const bruteForceOperationsMax = 9;

export function bruteForceLinearizable<State, Input, Output>(
  model: NondeterministicModel<State, Input, Output>,
  history: History<Input, Output>,
): boolean {
  if (history.length > bruteForceOperationsMax) throw new Error(`brute force is for at most ${bruteForceOperationsMax} operations`);
  const used = new Array<boolean>(history.length).fill(false);
  const mayBeLeftOut = (i: number): boolean => history[i].returnTime === Infinity && history[i].output === undefined;
  const isMinimal = (i: number): boolean =>
    history.every((other, j) => used[j] || j === i || !(other.returnTime < history[i].callTime));
  const extend = (state: State): boolean => {
    if (history.every((_, i) => used[i] || mayBeLeftOut(i))) return true;
    for (let i = 0; i < history.length; i++) {
      if (used[i] || !isMinimal(i)) continue;
      used[i] = true;
      const found = model.stepAll(state, history[i].input, history[i].output).some(extend);
      used[i] = false;
      if (found) return true;
    }
    return false;
  };
  return extend(model.init());
}
