import { CloudError } from './errors.js';

export type CallObserver = (call: { action: string; code: string; seconds: number }) => void;

/**
 * Wraps every async method of a gateway so each real cloud call is counted with its outcome code
 * (`OK` or the cloud's error code) and timed. A proxy rather than a hand-written decorator, so
 * methods added to the port later are measured without touching this file.
 */
export function meteredGateway<T extends object>(gateway: T, observe: CallObserver): T {
  return new Proxy(gateway, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const action = property.charAt(0).toUpperCase() + property.slice(1);
      return async (...args: unknown[]) => {
        const started = performance.now();
        try {
          const result: unknown = await value.apply(target, args);
          observe({ action, code: 'OK', seconds: (performance.now() - started) / 1000 });
          return result;
        } catch (error) {
          const code = error instanceof CloudError ? error.cloudCode : 'Unexpected';
          observe({ action, code, seconds: (performance.now() - started) / 1000 });
          throw error;
        }
      };
    },
  });
}
