/**
 * Changes the facts right after one call of a request (issue 18's mutation moments): a Proxy on
 * the real SDK gateway runs an armed trip's `act` once, after the first call its `when` matches
 * returns, so the request's next mutation meets the changed world.
 */
import type { EcsGateway } from '../../src/cloud/gateway.js';

export interface Trip {
  readonly when: (method: string, args: readonly unknown[]) => boolean;
  readonly act: (args: readonly unknown[]) => Promise<void>;
}

export class Tripwire {
  private armed: Trip | undefined;

  arm(trip: Trip): void {
    this.armed = trip;
  }

  disarm(): void {
    this.armed = undefined;
  }

  readonly wrap = (inner: EcsGateway): EcsGateway =>
    new Proxy(inner, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const out = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          const trip = this.armed;
          if (trip?.when(String(key), args)) {
            this.armed = undefined;
            await trip.act(args);
          }
          return out;
        };
      },
    });
}
