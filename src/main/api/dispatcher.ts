// Validates every call against the contract in src/shared/api.ts and runs the service handler.
// Both hosts (Electron IPC, WebSocket) go through here; a handler never sees unvalidated input
// and a failure is always returned as a typed error payload, never thrown into the host.
import { z } from 'zod';
import { methods, type MethodName, type ParsedArgsOf, type ResultOf } from '../../shared/api.ts';
import { HearthError, type ErrorPayload } from '../../shared/errors.ts';
import type { Logger } from '../base/log.ts';

export type Handlers = { [M in MethodName]: (args: ParsedArgsOf<M>) => Promise<ResultOf<M>> | ResultOf<M> };

export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: ErrorPayload };

export type Dispatch = (method: string, args: unknown) => Promise<CallOutcome>;

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}

export function validationError(error: z.ZodError): HearthError {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
  const message = issue ? (field ? `${field}: ${issue.message}` : issue.message) : 'Invalid argument';
  return new HearthError('INVALID_ARGUMENT', message, field !== undefined ? { field } : {});
}

export function toErrorPayload(e: unknown, log: Logger, method: string): ErrorPayload {
  if (e instanceof HearthError) return e.toPayload();
  log.error('api handler failed', { method, error: e });
  return { code: 'INTERNAL', message: 'Internal error' };
}

export function createDispatcher(handlers: Handlers, log: Logger): Dispatch {
  return async (method, rawArgs) => {
    if (typeof method !== 'string' || !isMethodName(method)) {
      return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `No such API method: ${String(method).slice(0, 80)}` } };
    }
    const spec = methods[method];
    const parsed = spec.args.safeParse(rawArgs ?? {});
    if (!parsed.success) return { ok: false, error: validationError(parsed.error).toPayload() };
    try {
      const handler = handlers[method] as (a: unknown) => Promise<unknown> | unknown;
      const result = await handler(parsed.data);
      return { ok: true, result };
    } catch (e) {
      return { ok: false, error: toErrorPayload(e, log, method) };
    }
  };
}
