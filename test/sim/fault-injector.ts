// Injects a profile's faults into a running cluster: partitions (symmetric, one-way, isolation),
// flaky links, stalling disks, minority crashes and whole-cluster power losses (restarts come from
// what the disks made durable). Each fault undoes itself after a while; `stopAndHeal` ends the
// fault phase and repairs everything at once so that liveness can be judged.

import type { NodeId } from '../../src/raft/types.js';
import type { Prng } from '../../src/util/prng.js';
import type { SimCluster } from './cluster.js';
import { calmLink } from './network.js';
import { flakyLink, type FaultKind, type FaultProfile } from './profiles.js';

/** A stalled disk takes this long per write: longer than an election timeout. */
const STALLED_DISK_LATENCY_MS = 150;

export class FaultInjector {
  readonly counts: Record<FaultKind, number> = {
    partition: 0,
    oneWay: 0,
    isolate: 0,
    crash: 0,
    powerLoss: 0,
    diskStall: 0,
    flakyLink: 0,
  };
  private active = false;

  constructor(
    private readonly cluster: SimCluster,
    private readonly profile: FaultProfile,
    private readonly prng: Prng,
  ) {}

  get injected(): number {
    return Object.values(this.counts).reduce((sum, n) => sum + n, 0);
  }

  start(): void {
    if (this.active) throw new Error('fault injector already started');
    this.active = true;
    if (this.profile.faults.length > 0) this.scheduleNext();
  }

  /** Ends the fault phase: heals the network, calms every link and disk, restarts crashed nodes. */
  stopAndHeal(): void {
    this.active = false;
    const { cluster } = this;
    cluster.network.heal();
    cluster.network.shapeAll(calmLink);
    for (const id of cluster.ids) {
      cluster.slowDisk(id, null);
      if (!cluster.node(id).alive) cluster.restart(id);
    }
  }

  private scheduleNext(): void {
    const gapMs = this.prng.int(this.profile.gapMsMin, this.profile.gapMsMax + 1);
    this.cluster.after(gapMs, 'fault', () => {
      if (!this.active) return;
      const kind = this.prng.pick(this.profile.faults);
      if (this.inject(kind)) this.counts[kind]++;
      this.scheduleNext();
    });
  }

  /** Injects one fault; false when it could not be (a crash that would take down a majority). */
  private inject(kind: FaultKind): boolean {
    const { cluster } = this;
    const durationMs = this.prng.int(this.profile.durationMsMin, this.profile.durationMsMax + 1);
    const victim = this.pickVictim();
    cluster.trace?.(`${cluster.nowMs}ms FAULT ${kind} on ${victim} for ${durationMs}ms`);
    switch (kind) {
      case 'partition':
        cluster.network.partition(this.randomSplit());
        this.undoLater(durationMs, 'heal partition', () => cluster.network.heal());
        return true;
      case 'oneWay':
        cluster.network.blockOneWay(victim, this.prng.pick(cluster.ids.filter((id) => id !== victim)));
        this.undoLater(durationMs, 'heal one-way cut', () => cluster.network.heal());
        return true;
      case 'isolate':
        cluster.network.isolate(victim);
        this.undoLater(durationMs, 'heal isolation', () => cluster.network.heal());
        return true;
      case 'flakyLink': {
        const to = this.prng.pick(cluster.ids.filter((id) => id !== victim));
        cluster.network.shapeLink(victim, to, flakyLink);
        this.undoLater(durationMs, 'steady link', () => cluster.network.shapeLink(victim, to, this.profile.link));
        return true;
      }
      case 'diskStall':
        cluster.slowDisk(victim, STALLED_DISK_LATENCY_MS);
        this.undoLater(durationMs, 'unstall disk', () => cluster.slowDisk(victim, null));
        return true;
      case 'crash':
        return this.crashFor(victim, durationMs);
      case 'powerLoss':
        this.powerLoss();
        return true;
    }
  }

  /** Every running node loses power at once; each comes back after its own short delay. */
  private powerLoss(): void {
    const { cluster } = this;
    for (const id of cluster.liveIds()) {
      cluster.crash(id);
      this.restartLater(id, this.prng.int(1, this.profile.durationMsMin + 1));
    }
  }

  /** Restarts `id` after `delayMs`, unless it was restarted (and maybe crashed again) meanwhile. */
  private restartLater(id: NodeId, delayMs: number): void {
    const { cluster } = this;
    const incarnation = cluster.node(id).incarnation;
    this.undoLater(delayMs, `restart ${id}`, () => {
      const node = cluster.node(id);
      if (!node.alive && node.incarnation === incarnation) cluster.restart(id);
    });
  }

  /** Crashes `victim` for a while, unless it is down already or a majority would be down. */
  private crashFor(victim: NodeId, durationMs: number): boolean {
    const { cluster } = this;
    const down = cluster.ids.length - cluster.liveIds().length;
    if (!cluster.node(victim).alive || 2 * (down + 1) > cluster.ids.length) return false;
    cluster.crash(victim);
    this.restartLater(victim, durationMs);
    return true;
  }

  /** The leader half of the time (the interesting victim), otherwise any node. */
  private pickVictim(): NodeId {
    const leaders = this.cluster.leaders();
    if (leaders.length > 0 && this.prng.chance(0.5)) return this.prng.pick(leaders);
    return this.prng.pick(this.cluster.ids);
  }

  /** Two non-empty groups, sizes at random. */
  private randomSplit(): NodeId[][] {
    const shuffled = [...this.cluster.ids];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = this.prng.int(0, i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    const cut = this.prng.int(1, shuffled.length);
    return [shuffled.slice(0, cut), shuffled.slice(cut)];
  }

  private undoLater(durationMs: number, label: string, undo: () => void): void {
    this.cluster.after(durationMs, label, undo);
  }
}
