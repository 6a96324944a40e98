// The counters behind /v2/stats/store, kept by each member for itself (etcd's v2store
// Stats). The JSON lists them in etcd's order; `watchers` is read from the watcher hub when
// the statistics are rendered.

/** The counters in the order etcd's JSON lists them (watchers comes last). */
export const STAT_COUNTERS = [
  'getsSuccess',
  'getsFail',
  'setsSuccess',
  'setsFail',
  'deleteSuccess',
  'deleteFail',
  'updateSuccess',
  'updateFail',
  'createSuccess',
  'createFail',
  'compareAndSwapSuccess',
  'compareAndSwapFail',
  'compareAndDeleteSuccess',
  'compareAndDeleteFail',
  'expireCount',
] as const;

export type StatCounter = (typeof STAT_COUNTERS)[number];

export class StoreStats {
  private readonly counts = new Map<StatCounter, number>(STAT_COUNTERS.map((name) => [name, 0]));

  increment(counter: StatCounter): void {
    this.counts.set(counter, (this.counts.get(counter) as number) + 1);
  }

  get(counter: StatCounter): number {
    return this.counts.get(counter) as number;
  }

  /** The body of /v2/stats/store (etcd writes it without a trailing newline). */
  toJson(watchers: number): string {
    const fields = STAT_COUNTERS.map((name) => `"${name}":${this.get(name)}`);
    return `{${fields.join(',')},"watchers":${watchers}}`;
  }
}
