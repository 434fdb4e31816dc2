// Main's services for a benchmark: in this process, silent, no timers that would fire during a
// run (hourly polling, no IDLE); the caller adds what its measurement needs.
import { HearthServices, type HearthServicesOptions } from '../../src/main/client/hearth-services.ts';
import { silentLogger } from '../../src/main/base/log.ts';
import { FileKeySecretBox } from '../../src/main/base/secret-box.ts';
import { favourSmallHeap } from '../../src/main/base/small-heap.ts';

export function benchServices(dataDir: string, opts: Partial<HearthServicesOptions> = {}): HearthServices {
  // As the app's processes do (main.ts, web-main.ts): this process is main in a benchmark.
  favourSmallHeap();
  return new HearthServices({
    dataDir,
    host: 'web',
    version: 'bench',
    secrets: new FileKeySecretBox(dataDir),
    log: silentLogger,
    pollIntervalMs: 3_600_000,
    idle: false,
    ...opts,
  });
}
