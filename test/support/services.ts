// HearthServices as the client tests run them: the file-key secret box in the data folder, no log,
// and no background polling (a test syncs when it means to); started.
import { HearthServices, type HearthServicesOptions } from '../../src/main/client/hearth-services.ts';
import { FileKeySecretBox } from '../../src/main/base/secret-box.ts';
import { silentLogger } from '../../src/main/base/log.ts';
import { HearthError } from '../../src/shared/errors.ts';

export function startServices(dataDir: string, opts: Partial<HearthServicesOptions> = {}): HearthServices {
  const s = new HearthServices({
    dataDir,
    host: 'web',
    version: 'test',
    secrets: new FileKeySecretBox(dataDir),
    log: silentLogger,
    pollIntervalMs: 3_600_000,
    ...opts,
  });
  s.start();
  return s;
}

/** Calls an API method as the renderer would (arguments validated by dispatch): its result, or its error thrown as a HearthError. */
export async function callService<T>(s: HearthServices, method: string, args: unknown): Promise<T> {
  const r = await s.dispatch(method, args);
  if (!r.ok) throw HearthError.fromPayload(r.error);
  return r.result as T;
}
