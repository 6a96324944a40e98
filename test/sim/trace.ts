// One-line descriptions of what the simulator sees (messages, Ready batches), for the --verbose
// trace of a replay. Only called when tracing is on, so the hot path never builds these strings.

import { MessageType, roleNames, type Message, type Ready } from '../../src/raft/types.js';

const messageTypeNames: Record<MessageType, string> = {
  [MessageType.Append]: 'Append',
  [MessageType.AppendResponse]: 'AppendResp',
  [MessageType.Vote]: 'Vote',
  [MessageType.VoteResponse]: 'VoteResp',
  [MessageType.PreVote]: 'PreVote',
  [MessageType.PreVoteResponse]: 'PreVoteResp',
  [MessageType.Heartbeat]: 'Heartbeat',
  [MessageType.HeartbeatResponse]: 'HeartbeatResp',
  [MessageType.Snapshot]: 'Snapshot',
  [MessageType.TimeoutNow]: 'TimeoutNow',
  [MessageType.Propose]: 'Propose',
  [MessageType.ReadIndex]: 'ReadIndex',
  [MessageType.ReadIndexResponse]: 'ReadIndexResp',
};

export function describeMessage(m: Message): string {
  const parts = [`${m.from}->${m.to} ${messageTypeNames[m.type]} term=${m.term}`];
  if (m.logTerm !== 0 || m.index !== 0) parts.push(`index=${m.index} logTerm=${m.logTerm}`);
  if (m.entries.length > 0) parts.push(`entries=${m.entries[0]!.index}..${m.entries[m.entries.length - 1]!.index}`);
  if (m.commit !== 0) parts.push(`commit=${m.commit}`);
  if (m.reject) parts.push(`reject hint=${m.rejectHint}/${m.rejectHintTerm}`);
  if (m.snapshot !== null) parts.push(`snapshot=${m.snapshot.meta.index}/${m.snapshot.meta.term}`);
  if (m.context.length > 0) parts.push(`context=${Buffer.from(m.context).toString('latin1')}`);
  return parts.join(' ');
}

export function describeReady(rd: Ready): string {
  const parts: string[] = [];
  if (rd.softState) parts.push(`${roleNames[rd.softState.role]} leader=${rd.softState.leader || '-'}`);
  if (rd.hardState) parts.push(`hard=${rd.hardState.term}/${rd.hardState.vote || '-'}/${rd.hardState.commit}`);
  if (rd.snapshot) parts.push(`snapshot=${rd.snapshot.meta.index}`);
  if (rd.entries.length > 0) parts.push(`write=${rd.entries[0]!.index}..${rd.entries[rd.entries.length - 1]!.index}`);
  if (rd.committedEntries.length > 0) {
    parts.push(`apply=${rd.committedEntries[0]!.index}..${rd.committedEntries[rd.committedEntries.length - 1]!.index}`);
  }
  if (rd.readStates.length > 0) parts.push(`reads=${rd.readStates.map((r) => r.index).join(',')}`);
  parts.push(`send=${rd.messages.length}+${rd.messagesAfterPersist.length}`);
  return parts.join(' ');
}
