import { CodedError } from '../errors.js';

/**
 * A failed ECS call, in the bot's own terms: the cloud's code, HTTP status and RequestId, and
 * whether trying again can help (throttling, 5xx, timeouts, no response) or not (4xx business errors).
 */
export class CloudError extends CodedError {
  readonly cloudCode: string;
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(input: {
    cloudCode: string;
    message: string;
    httpStatus?: number;
    requestId?: string;
    retryable: boolean;
    retryAfterMs?: number;
    action: string;
    cause?: unknown;
  }) {
    super(`cloud.${input.cloudCode}`, input.message, {
      retryable: input.retryable,
      cause: input.cause,
      details: { action: input.action, httpStatus: input.httpStatus, requestId: input.requestId },
    });
    this.name = 'CloudError';
    this.cloudCode = input.cloudCode;
    this.httpStatus = input.httpStatus;
    this.requestId = input.requestId;
    this.retryAfterMs = input.retryAfterMs;
  }
}

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  statusCode?: unknown;
  requestId?: unknown;
  retryAfter?: unknown;
  message?: unknown;
  data?: { Message?: unknown } | null;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

/** Maps whatever the SDK threw to a CloudError. Only this module reads SDK error fields. */
export function cloudErrorFrom(error: unknown, action: string): CloudError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = typeof e.name === 'string' ? e.name : '';
  const code = typeof e.code === 'string' ? e.code : '';
  const status = typeof e.statusCode === 'number' ? e.statusCode : undefined;
  const requestId = typeof e.requestId === 'string' && e.requestId !== 'undefined' ? e.requestId : undefined;
  const rawMessage =
    typeof e.data?.Message === 'string'
      ? e.data.Message
      : typeof e.message === 'string'
        ? e.message
        : String(error);
  const base = {
    action,
    cause: error,
    ...(status === undefined ? {} : { httpStatus: status }),
    ...(requestId ? { requestId } : {}),
  };

  if (name === 'ThrottlingError' || code.startsWith('Throttling')) {
    const retryAfter = typeof e.retryAfter === 'number' && e.retryAfter > 0 ? e.retryAfter : undefined;
    return new CloudError({
      ...base,
      cloudCode: code || 'Throttling',
      message: rawMessage,
      retryable: true,
      ...(retryAfter ? { retryAfterMs: retryAfter } : {}),
    });
  }
  if (name === 'ServerError' || (status !== undefined && status >= 500)) {
    return new CloudError({
      ...base,
      cloudCode: code || 'InternalError',
      message: rawMessage,
      retryable: true,
    });
  }
  if (name === 'ClientError' || (status !== undefined && status >= 400)) {
    return new CloudError({
      ...base,
      cloudCode: code || 'ClientError',
      message: rawMessage,
      retryable: false,
    });
  }
  const text = String(typeof e.message === 'string' ? e.message : error);
  if (name === 'RequestTimeoutError' || /timeout/i.test(text)) {
    return new CloudError({ ...base, cloudCode: 'RequestTimeout', message: text, retryable: true });
  }
  if (NETWORK_CODES.has(code) || /ECONNREFUSED|ECONNRESET|socket hang up|fetch failed/i.test(text)) {
    return new CloudError({ ...base, cloudCode: 'NetworkError', message: text, retryable: true });
  }
  return new CloudError({ ...base, cloudCode: 'UnexpectedError', message: text, retryable: false });
}
