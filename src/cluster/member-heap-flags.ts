// The V8 setting every member thread's heap is created with, applied process-wide (V8 flags are)
// before the first member starts. V8's memory reducer (made for idle browser tabs) runs full
// mark-compact collections about 8 s after a heap's allocation rate drops. For Raft members that
// is whenever a load ends or turns light, such as one sequential client behind 40 ms links after
// a busy warm-up: the members see the same traffic, so their heaps drop together, and all of them
// stopped at once for 4–28 ms (`--trace-gc`), a stall on the commit path of whatever write was in
// flight. Members are servers, like etcd, and keep their heaps; ordinary GC goes on as before.
// V8 reads the flag when it creates a heap, so isolates made earlier (the supervisor's own main
// thread, for one) keep the reducer.

import v8 from 'node:v8';

let applied = false;

/** Turns V8's memory reducer off for every heap created from now on in this process; idempotent. */
export function applyMemberHeapFlags(): void {
  if (applied) return;
  applied = true;
  v8.setFlagsFromString('--no-memory-reducer');
}
