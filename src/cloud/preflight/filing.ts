import { CodedError } from '../../errors.js';
import { facts } from '../../kinds/registry.js';
import type { Check, RequestKind, RequestParams } from '../../workflow/request.js';
import { readParams } from '../../workflow/request-params.js';
import type { AssistantTiming } from '../assistant.js';
import { describeFailure } from '../explain.js';
import type { EcsGateway } from '../gateway.js';

/**
 * The cloud checks of a request being filed: the world it would change, with the file-system and
 * OCFS2 facts read on the guests. A cloud that cannot be read refuses the request (fails closed)
 * with the reason, instead of filing it unchecked.
 */
export function filingPreflight(
  gateway: EcsGateway,
  options: {
    readonly assistantTimeoutSec: number;
    readonly multiAttachZones?: readonly string[];
    readonly assistantTiming?: AssistantTiming;
  },
): (kind: RequestKind, params: RequestParams) => Promise<Check[]> {
  return async (kind, params) => {
    const typed = readParams(kind, params);
    if (!typed) throw new CodedError('invalid_params', `parameters do not fit a ${kind} request`);
    try {
      const reading = await facts(gateway, kind, typed, 'filing', {
        ...(options.multiAttachZones ? { multiAttachZones: options.multiAttachZones } : {}),
        guests: {
          timeoutSec: options.assistantTimeoutSec,
          ...(options.assistantTiming ? { timing: options.assistantTiming } : {}),
        },
      });
      return [...reading.checks];
    } catch (error) {
      const { code, message } = describeFailure(error);
      return [
        {
          code: 'preflight_unavailable',
          level: 'error',
          message: `The cloud could not be checked (${code}): ${message}`,
        },
      ];
    }
  };
}
