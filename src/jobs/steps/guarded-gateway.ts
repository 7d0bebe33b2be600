/**
 * The gateways a step gets (issue 18): `readOnly` for everything that only looks, and, from
 * `StepContext.recheck`, one per moment for the mutations that follow that moment's data-safety
 * re-check. A mutating call on a moment's gateway after a later moment opened is refused, so every
 * AttachDisk, DetachDisk, CreateDisk and guest-changing script runs right after its own re-check.
 */

import {
  type EcsGateway,
  GATEWAY_ACCESS,
  type ReadGateway,
  type RunCommandInput,
} from '../../cloud/gateway.js';
import { scriptChangesGuest } from '../../cloud/scripts/contract.js';
import { CodedError } from '../../errors.js';

/** The stable code of a mutation attempted without its moment's re-check: a bug, never retried. */
export const UNGUARDED_MUTATION = 'unguarded_mutation';

const mutates = (method: keyof EcsGateway, args: readonly unknown[]): boolean => {
  const access = GATEWAY_ACCESS[method];
  if (access === 'script') return scriptChangesGuest((args[0] as RunCommandInput).script);
  return access === 'mutate';
};

const refuse = (what: string, why: string) =>
  new CodedError(UNGUARDED_MUTATION, `${what} refused: ${why}`, { retryable: false });

/** The port without mutations; a guest-changing script through its `runCommand` is refused. */
export function readOnly(gateway: EcsGateway): ReadGateway {
  return {
    describeDisks: (query) => gateway.describeDisks(query),
    describeInstances: (query) => gateway.describeInstances(query),
    describeInstanceTypes: (ids) => gateway.describeInstanceTypes(ids),
    describeImages: (query) => gateway.describeImages(query),
    describeInvocationResults: (query) => gateway.describeInvocationResults(query),
    describeSnapshots: (query) => gateway.describeSnapshots(query),
    runCommand: async (input) => {
      if (scriptChangesGuest(input.script))
        throw refuse(
          `RunCommand ${input.name ?? ''}`.trim(),
          'a script that changes a guest needs a re-check',
        );
      return gateway.runCommand(input);
    },
  };
}

/**
 * The full port for the mutations of one moment: each mutating call first asks `current()`, which
 * is false once a later moment has opened (a stale gateway kept past its re-check).
 */
export function momentGateway(gateway: EcsGateway, moment: string, current: () => boolean): EcsGateway {
  const guarded: Partial<Record<keyof EcsGateway, unknown>> = {};
  for (const method of Object.keys(GATEWAY_ACCESS) as (keyof EcsGateway)[]) {
    const call = (gateway[method] as (...args: unknown[]) => Promise<unknown>).bind(gateway);
    guarded[method] = async (...args: unknown[]) => {
      if (mutates(method, args) && !current())
        throw refuse(method, `the re-check before ${moment} no longer covers it (a later moment opened)`);
      return call(...args);
    };
  }
  return guarded as EcsGateway;
}

/** The same port, calling `before` ahead of each Cloud Assistant invocation (`runCommand`). */
export function onInvocation(gateway: ReadGateway, before: () => void): ReadGateway {
  return {
    ...gateway,
    runCommand: (input) => {
      before();
      return gateway.runCommand(input);
    },
  };
}
