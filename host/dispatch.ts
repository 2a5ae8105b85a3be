/**
 * The one door into the service for both bindings: checks the method name, validates params with the
 * contract's zod schemas, runs the handler, and turns every failure into a SerializedError reply. Nothing a
 * caller sends can make this throw.
 */
import { serializeError, type SerializedError } from '../engine/errors.js';
import type { MethodName } from '../engine/api/contract.js';
import { isMethodName, validateParams } from '../engine/api/schemas.js';
import type { HostHandlers, HostResult } from './service.js';

export type Reply<T = unknown> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: SerializedError };

export function unknownMethod(name: string): SerializedError {
  return {
    name: 'LobuleError',
    code: 'E_INVALID_ARGUMENT',
    message: `unknown method "${String(name).slice(0, 80)}"`,
    hint: 'See engine/api/contract.ts for the methods',
  };
}

export async function dispatch(handlers: HostHandlers, method: string, raw: unknown): Promise<Reply<HostResult<MethodName>>> {
  if (typeof method !== 'string' || !isMethodName(method)) return { ok: false, error: unknownMethod(method) };
  const checked = validateParams(method, raw);
  if (!checked.ok) return checked;
  try {
    const handler = handlers[method] as (p: unknown) => Promise<HostResult<MethodName>>;
    return { ok: true, value: await handler(checked.params) };
  } catch (e) {
    if (!(e instanceof Error && e.name === 'LobuleError')) console.error(`lobule host: ${method} failed:`, e);
    return { ok: false, error: serializeError(e) };
  }
}

/** HTTP status of an error reply. */
export function httpStatusOf(error: SerializedError): number {
  switch (error.code) {
    case 'E_INVALID_ARGUMENT':
      return 400;
    case 'E_NOT_FOUND':
      return 404;
    case 'E_CORRUPT':
    case 'E_GEOMETRY':
    case 'E_MODEL':
      return 422; // the request was understood; the file or model it names is unusable
    case 'E_WORKSPACE':
    case 'E_LOCKED':
      return 409;
    case 'E_UNSUPPORTED':
      return 501;
    case 'E_CANCELLED':
      return 409;
    case 'E_DISK_FULL':
      return 507;
    default:
      return 500;
  }
}
