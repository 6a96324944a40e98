// The snapshot image of a store: the whole key tree, the store index and every TTL, as
// compact JSON (not the hot path). Children keep their order, so the same history gives the
// same bytes on every member, and the bytes can be hashed to compare replicas. Watchers, the
// event history and statistics are local to a member and are not part of the image.

import { childKey, ROOT_PATH } from './key-path.js';
import { StoreNode } from './store-node.js';

const FORMAT = 'raftyard-v2store';
const VERSION = 1;

/** A node as stored: [name, createdIndex, modifiedIndex, expireTimeMs|null, value|children]. */
type NodeImage = [string, number, number, number | null, string | NodeImage[]];

export interface DecodedSnapshot {
  root: StoreNode;
  index: number;
  /** The nodes that have an expiration, for the TTL heap. */
  expiring: StoreNode[];
}

export function encodeSnapshot(root: StoreNode, index: number): Uint8Array {
  const image = { format: FORMAT, version: VERSION, index, root: imageOf(root) };
  return new TextEncoder().encode(JSON.stringify(image));
}

export function decodeSnapshot(bytes: Uint8Array): DecodedSnapshot {
  const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  if (typeof parsed !== 'object' || parsed === null) throw new Error('snapshot: not an object');
  const { format, version, index, root } = parsed as Record<string, unknown>;
  if (format !== FORMAT || version !== VERSION) throw new Error(`snapshot: unknown format ${String(format)}/${String(version)}`);
  checkIndex(index, Number.MAX_SAFE_INTEGER, 'store index');
  const expiring: StoreNode[] = [];
  const rootNode = nodeOfImage(root, ROOT_PATH, index as number, expiring);
  if (!rootNode.isDir() || rootNode.name !== '' || !rootNode.isPermanent()) throw new Error('snapshot: bad root');
  return { root: rootNode, index: index as number, expiring };
}

function imageOf(node: StoreNode): NodeImage {
  const content = node.children === null ? node.value : [...node.children.values()].map(imageOf);
  return [node.name, node.createdIndex, node.modifiedIndex, node.expireTimeMs, content];
}

function nodeOfImage(image: unknown, path: string, storeIndex: number, expiring: StoreNode[]): StoreNode {
  if (!Array.isArray(image) || image.length !== 5) throw new Error(`snapshot: bad node at ${path}`);
  const [name, createdIndex, modifiedIndex, expireTimeMs, content] = image as unknown[];
  if (typeof name !== 'string') throw new Error(`snapshot: bad name at ${path}`);
  checkIndex(createdIndex, storeIndex, `createdIndex of ${path}`);
  checkIndex(modifiedIndex, storeIndex, `modifiedIndex of ${path}`);
  if (expireTimeMs !== null && !Number.isSafeInteger(expireTimeMs)) throw new Error(`snapshot: bad expiration at ${path}`);
  const expiry = expireTimeMs as number | null;
  let node: StoreNode;
  if (typeof content === 'string') {
    node = StoreNode.newFile(path, name, content, createdIndex as number, expiry);
  } else if (Array.isArray(content)) {
    node = StoreNode.newDir(path, name, createdIndex as number, expiry);
    for (const childImage of content) addChildImage(node, childImage, storeIndex, expiring);
  } else {
    throw new Error(`snapshot: bad content at ${path}`);
  }
  node.modifiedIndex = modifiedIndex as number;
  if (expiry !== null) expiring.push(node);
  return node;
}

function addChildImage(dir: StoreNode, image: unknown, storeIndex: number, expiring: StoreNode[]): void {
  const name = Array.isArray(image) ? image[0] : undefined;
  if (typeof name !== 'string' || name === '' || name === '.' || name === '..' || name.includes('/')) {
    throw new Error(`snapshot: bad child name under ${dir.path}`);
  }
  if (dir.child(name) !== undefined) throw new Error(`snapshot: duplicate child ${name} under ${dir.path}`);
  dir.addChild(nodeOfImage(image, childKey(dir.path, name), storeIndex, expiring));
}

function checkIndex(value: unknown, max: number, what: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0 || (value as number) > max) {
    throw new Error(`snapshot: bad ${what}: ${String(value)}`);
  }
}
