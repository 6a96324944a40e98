// The shape of one ctl command: its name, help texts and flags (as etcdctl declares them)
// and the action that runs with the parsed flags. Shared flag declarations live here too.

import type { FlagSpec, ParsedFlags } from './go-flags.js';
import type { CtlSession } from './ctl-session.js';

export interface CtlCommand {
  name: string;
  usage: string;
  argsUsage: string;
  description?: string;
  flags: FlagSpec[];
  run(session: CtlSession, flags: ParsedFlags): Promise<void>;
}

export const TTL_FLAG: FlagSpec = { names: 'ttl', kind: 'int', usage: 'key time-to-live in seconds', defaultValue: 0 };
export const AFTER_INDEX_FLAG: FlagSpec = { names: 'after-index', kind: 'int', usage: 'watch after the given index', defaultValue: 0 };
export const SORT_FLAG: FlagSpec = { names: 'sort', kind: 'bool', usage: 'returns result in sorted order' };
export const QUORUM_FLAG: FlagSpec = { names: 'quorum, q', kind: 'bool', usage: 'require quorum for get request' };
