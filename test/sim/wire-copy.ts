// Deep copies of Raft values as they cross a simulated wire or reach a simulated disk, so no two
// cores (and no core and its disk) ever share an object: aliasing bugs show up as they would in
// production, where every message is serialized.

import type { Entry, Message, Snapshot } from '../../src/raft/types.js';

export function copyEntry(entry: Entry): Entry {
  return { term: entry.term, index: entry.index, type: entry.type, data: entry.data.slice() };
}

export function copySnapshot(snapshot: Snapshot): Snapshot {
  return { meta: { ...snapshot.meta, voters: [...snapshot.meta.voters] }, data: snapshot.data.slice() };
}

export function copyMessage(m: Message): Message {
  return {
    ...m,
    entries: m.entries.map(copyEntry),
    snapshot: m.snapshot === null ? null : copySnapshot(m.snapshot),
    context: m.context.slice(),
  };
}
