// What crash tests remember about the writes they sent: per key, every sequence number that was
// attempted and the highest one that was acknowledged. Each key has one writer that sends its
// writes one at a time, so a higher sequence number is always a later write; after any crash the
// key must hold an attempted value at least as new as its newest acknowledged one.

export interface LedgerViolation {
  key: string;
  detail: string;
}

interface KeyRecord {
  attemptedSeqs: Set<number>;
  ackedSeqMax: number;
  lastSeq: number;
}

/** Bounds the memory a long run may use: a run that needs more keys should use fewer rounds. */
export const LEDGER_KEYS_MAX = 100_000;

export class WriteLedger {
  private readonly keys = new Map<string, KeyRecord>();
  private ackedCount = 0;
  private unknownCount = 0;

  get acked(): number {
    return this.ackedCount;
  }

  /** Writes whose outcome is unknown (timed out, connection lost, or refused during a crash). */
  get unknown(): number {
    return this.unknownCount;
  }

  get keyNames(): string[] {
    return [...this.keys.keys()];
  }

  /**
   * Records that a write of `seq` to `key` is being sent; returns the value to write, padded by
   * `paddingBytes` so that some records are large enough to straddle pages and batches.
   */
  attempt(key: string, seq: number, paddingBytes = 0): string {
    let record = this.keys.get(key);
    if (record === undefined) {
      if (this.keys.size >= LEDGER_KEYS_MAX) throw new Error(`write ledger is full (${LEDGER_KEYS_MAX} keys)`);
      record = { attemptedSeqs: new Set(), ackedSeqMax: 0, lastSeq: 0 };
      this.keys.set(key, record);
    }
    if (!(Number.isSafeInteger(seq) && seq > record.lastSeq)) {
      throw new Error(`write ${seq} to ${key} is not after write ${record.lastSeq}: one writer per key, in order`);
    }
    record.lastSeq = seq;
    record.attemptedSeqs.add(seq);
    return valueOf(key, seq) + PADDING_CHAR.repeat(paddingBytes);
  }

  /** Records the outcome of the write of `seq` to `key`. */
  settle(key: string, seq: number, acknowledged: boolean): void {
    const record = this.keys.get(key);
    if (record === undefined || !record.attemptedSeqs.has(seq)) throw new Error(`write ${seq} to ${key} was never attempted`);
    if (!acknowledged) {
      this.unknownCount++;
      return;
    }
    this.ackedCount++;
    record.ackedSeqMax = Math.max(record.ackedSeqMax, seq);
  }

  /** Checks what a (quorum) read of `key` returned: null when the key was not found. */
  check(key: string, value: string | null): LedgerViolation | null {
    const record = this.keys.get(key);
    if (record === undefined) throw new Error(`no writes to ${key} were recorded`);
    if (value === null) {
      return record.ackedSeqMax > 0 ? { key, detail: `not found, yet write ${record.ackedSeqMax} was acknowledged` } : null;
    }
    const seq = seqOf(key, value);
    if (seq === null || !record.attemptedSeqs.has(seq)) return { key, detail: `holds ${JSON.stringify(value)}, which was never written` };
    if (seq < record.ackedSeqMax) return { key, detail: `holds write ${seq}, older than acknowledged write ${record.ackedSeqMax}` };
    return null;
  }
}

const PADDING_CHAR = '~';

function valueOf(key: string, seq: number): string {
  return `${key}#${seq}`;
}

function seqOf(key: string, value: string): number | null {
  const prefix = `${key}#`;
  if (!value.startsWith(prefix)) return null;
  const seqText = value.slice(prefix.length).replace(/~*$/, '');
  const seq = seqText === '' ? NaN : Number(seqText);
  return Number.isSafeInteger(seq) ? seq : null;
}
