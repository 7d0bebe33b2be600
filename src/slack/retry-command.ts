import { retryOf } from '../kinds/domain-registry.js';
import type { DiskRequest } from '../workflow/request.js';
import type { RequestCommand } from '../workflow/request-builder.js';

/**
 * The command that opens a request like `request` again (the Retry button on a failed or partial
 * result): the same parameters, run through today's policy and a fresh cloud preflight like any
 * typed command, as the kind maps them (src/kinds/<kind>/domain.ts); a partial result of a kind
 * that can finish one (attach, init) runs only its missing steps. Undefined when the stored
 * parameters do not fit the kind.
 */
export function retryCommand(request: DiskRequest): RequestCommand | undefined {
  return retryOf(request);
}
