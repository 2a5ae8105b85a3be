/**
 * Builds the one `LobuleApi` object the renderer holds from a transport (HTTP or Electron IPC). Methods are
 * generated from METHOD_NAMES, so a client can never lack a method the contract declares. Browser-safe.
 */
import {
  ApiError,
  BINARY_READS,
  EVENT_NAMES,
  type BinaryReadMethod,
  type Disposable,
  type EventMap,
  type EventName,
  type LobuleApi,
  type MethodName,
  type SerializedError,
} from './contract.js';
import { validateParams } from './schemas.js';
import { binaryReadFromWire } from './wire.js';

/** What a binding has to provide; the proxy does the rest. */
export interface ApiTransport {
  /** A JSON (or structured-clone) call; rejects with ApiError. */
  call(method: MethodName, params: unknown): Promise<unknown>;
  /** A binary read; resolves with the bytes as the host sent them (wire.ts: labelmaps are run-length coded). */
  readBinary(method: BinaryReadMethod, params: unknown): Promise<ArrayBuffer>;
  /** Starts delivering host events to `sink`; returns a function that stops it. */
  subscribe(sink: (event: EventName, payload: unknown) => void): () => void;
}

export function isSerializedError(v: unknown): v is SerializedError {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { code?: unknown }).code === 'string' &&
    typeof (v as { message?: unknown }).message === 'string'
  );
}

/** Turns whatever a transport caught into an ApiError (network failures become E_INTERNAL with a hint). */
export function toApiError(e: unknown, what: string): ApiError {
  if (e instanceof ApiError) return e;
  if (isSerializedError(e)) return new ApiError(e);
  const message = e instanceof Error ? e.message : String(e);
  return new ApiError({
    name: 'LobuleError',
    code: 'E_INTERNAL',
    message: `${what}: ${message}`,
    hint: 'Check that the Lobule host is still running',
  });
}

const binaryReads: ReadonlySet<string> = new Set(BINARY_READS);

export function createApi(transport: ApiTransport, methods: readonly MethodName[]): LobuleApi {
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let unsubscribe: (() => void) | null = null;

  const dispatch = (event: EventName, payload: unknown): void => {
    for (const l of listeners.get(event) ?? []) {
      try {
        (l as (p: unknown) => void)(payload);
      } catch (e) {
        // A listener's bug must not stop delivery to the others.
        console.error(`lobule: listener for ${event} threw`, e);
      }
    }
  };

  const namespaces: Record<string, Record<string, (params?: unknown) => Promise<unknown>>> = {};
  for (const method of methods) {
    const [ns, short] = method.split('.') as [string, string];
    namespaces[ns] ??= {};
    namespaces[ns][short] = async (params?: unknown) => {
      if (!binaryReads.has(method)) return transport.call(method, params ?? {});
      // Binary reads put ids into a URL path: check them here, so '..' can never reach the URL.
      const checked = validateParams(method, params ?? {});
      if (!checked.ok) throw new ApiError(checked.error);
      const body = await transport.readBinary(method as BinaryReadMethod, checked.params);
      try {
        return binaryReadFromWire(method as BinaryReadMethod, body);
      } catch (e) {
        throw toApiError(e, method);
      }
    };
  }

  const api = {
    ...Object.fromEntries(Object.entries(namespaces).map(([k, v]) => [k, Object.freeze(v)])),
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): Disposable {
      if (!EVENT_NAMES.includes(event)) throw new TypeError(`unknown Lobule event '${event}'`);
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      unsubscribe ??= transport.subscribe(dispatch);
      return { dispose: () => void set.delete(listener as (payload: never) => void) };
    },
    close(): void {
      unsubscribe?.();
      unsubscribe = null;
      listeners.clear();
    },
  };
  return Object.freeze(api) as unknown as LobuleApi;
}
