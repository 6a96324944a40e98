// The typed shapes of etcd v2 API answers as the client hands them out: key nodes, key
// responses with their headers, members and the small cluster endpoints.

/** One node of the v2 key tree, as the server sends it (absent fields are omitted). */
export interface V2Node {
  /** Absent only on the root node. */
  key?: string;
  dir?: boolean;
  /** Always present on files (possibly ""), absent on directories. */
  value?: string;
  nodes?: V2Node[];
  /** RFC 3339 UTC time, kept verbatim as the server wrote it. */
  expiration?: string;
  /** Remaining seconds, rounded up. */
  ttl?: number;
  createdIndex?: number;
  modifiedIndex?: number;
}

export type V2Action =
  | 'get'
  | 'set'
  | 'create'
  | 'update'
  | 'compareAndSwap'
  | 'delete'
  | 'compareAndDelete'
  | 'expire';

/** A successful /v2/keys answer with the headers that carry cluster state. */
export interface V2Response {
  action: V2Action;
  /** Empty ({}) after a write sent with noValueOnSuccess, whose answer carries no node. */
  node: V2Node;
  prevNode?: V2Node;
  /** X-Etcd-Index: the store index after the operation (on a watch, when it began). */
  etcdIndex: number;
  /** X-Raft-Index and X-Raft-Term, when the server sent them. */
  raftIndex?: number;
  raftTerm?: number;
  /** X-Etcd-Cluster-Id. */
  clusterId?: string;
  /** HTTP status: 201 for creations, else 200. */
  status: number;
}

export interface V2Member {
  /** Hexadecimal member id. */
  id: string;
  /** Empty for a member that was added but never started. */
  name: string;
  peerURLs: string[];
  clientURLs: string[];
}

export interface V2Version {
  etcdserver: string;
  etcdcluster: string;
}

export interface V2Health {
  healthy: boolean;
  /** The HTTP status of the /health answer (200 or 503). */
  status: number;
}
