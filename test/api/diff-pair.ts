// Driving both sides of a differential test in step: each request goes to etcd and to
// raftyard at the same time, and the normalized answers must be equal; watches are opened on
// both, their headers compared before any event, then their events one by one.

import { assertSameAnswer, Side, type DiffTarget, type Normalized, type Step } from './differential-harness.js';

export class DiffPair {
  readonly etcd: Side;
  readonly yard: Side;

  constructor(etcd: DiffTarget, yard: DiffTarget) {
    this.etcd = new Side(etcd);
    this.yard = new Side(yard);
  }

  async rebase(): Promise<void> {
    await Promise.all([this.etcd.rebase(), this.yard.rebase()]);
  }

  /** Sends one step to both and asserts equal answers; returns etcd's normalized answer. */
  async step(step: Step): Promise<Normalized> {
    const [expected, actual] = await Promise.all([this.etcd.send(step), this.yard.send(step)]);
    assertSameAnswer(expected, actual, describeStep(step));
    return expected;
  }

  async steps(steps: readonly Step[]): Promise<void> {
    for (const step of steps) await this.step(step);
  }

  /**
   * Opens `watch` on both sides, compares the answers' headers (sent before any event), runs
   * `meanwhile`, then compares `eventCount` events; a plain watch must then end.
   */
  async watch(watch: Step, meanwhile: readonly Step[], eventCount: number, stream = false): Promise<void> {
    const [etcdWatch, yardWatch] = await Promise.all([this.etcd.open(watch), this.yard.open(watch)]);
    try {
      const what = describeStep(watch);
      assertSameAnswer(this.etcd.normalize({ ...etcdWatch, body: '' }, 'exact'), this.yard.normalize({ ...yardWatch, body: '' }, 'exact'), `${what} (headers)`);
      await this.steps(meanwhile);
      const [etcdLines, yardLines] = await Promise.all([etcdWatch.lines(eventCount), yardWatch.lines(eventCount)]);
      for (let i = 0; i < eventCount; i++) {
        const expected = { status: 0, headers: {}, body: this.etcd.normalizeBody(etcdLines[i] as string, 'exact') };
        const actual = { status: 0, headers: {}, body: this.yard.normalizeBody(yardLines[i] as string, 'exact') };
        assertSameAnswer(expected, actual, `${what} (event ${i + 1})`);
      }
      if (!stream) {
        const [etcdRest, yardRest] = await Promise.all([etcdWatch.rest(), yardWatch.rest()]);
        assertSameAnswer({ status: 0, headers: {}, body: etcdRest }, { status: 0, headers: {}, body: yardRest }, `${what} (end)`);
      }
    } finally {
      etcdWatch.close();
      yardWatch.close();
    }
  }
}

export function describeStep(step: Step): string {
  const form = step.form === undefined ? '' : ` form ${new URLSearchParams(step.form).toString()}`;
  return `${step.method} ${step.target}${form}`;
}
