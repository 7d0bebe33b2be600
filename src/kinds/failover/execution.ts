import { failoverChecks } from '../../cloud/preflight/rules-by-kind.js';
import { distinct, loadDiskWorld, readReservationView } from '../../cloud/preflight/world.js';
import { runFailover } from '../../jobs/steps/failover.js';
import { diskAnd, type KindExecution } from '../execution.js';

export const failoverExecution: KindExecution<'failover'> = {
  // The standby receives the disk; at filing the other guests say who holds the reservation.
  facts: (gateway, p, options) =>
    loadDiskWorld(
      gateway,
      p,
      {
        all: distinct([p.fromInstanceId, p.toInstanceId]),
        receiving: [p.toInstanceId],
        source: p.fromInstanceId,
      },
      options,
      { describeById: false, guests: readReservationView },
    ),
  rules: failoverChecks,
  locks: (p) => diskAnd(p.diskId, [p.fromInstanceId, p.toInstanceId]),
  // Failover reads its own mount table: it must not wait for a hung old primary.
  steps: runFailover,
  // The standby is the primary after a failover.
  watch: { enrolls: false, primary: (p) => p.toInstanceId },
};
