// Asserting a typed failure: the promise rejects with a HearthError carrying the expected code.
import { expect } from 'vitest';
import { HearthError } from '../../src/shared/errors.ts';

/** Awaits `p`, expects a HearthError with `code`, and returns it for further checks. */
export async function expectCode(p: Promise<unknown>, code: string): Promise<HearthError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HearthError);
  expect((err as HearthError).code).toBe(code);
  return err as HearthError;
}
