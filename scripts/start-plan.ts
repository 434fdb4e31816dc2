// What `npm start` does, decided without side effects: the desktop app when an Electron binary is
// installed or Electron's own resolver can fetch it, else the browser version with one line why.
// The resolver is injected so each case is tested without a download (test/scripts/start-plan.test.ts).
import { nodeVersionProblem } from './node-check.mjs';

export interface StartDeps {
  /** process.versions.node */
  nodeVersion: string;
  /** ELECTRON_SKIP_BINARY_DOWNLOAD as set in the environment. */
  skipDownload: string | undefined;
  /** The installed Electron binary, or null when there is none yet (no download tried). */
  installedElectron(): string | null;
  /** Electron's resolver: downloads the binary on first use and returns its path; throws when it cannot. */
  fetchElectron(): string;
  /** Prints one line for the person at the terminal. */
  say(line: string): void;
}

export type StartPlan = { kind: 'desktop'; electronPath: string } | { kind: 'browser'; reason: string } | { kind: 'unsupported-node'; message: string };

const isSet = (v: string | undefined) => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';

export function planStart(deps: StartDeps): StartPlan {
  const problem = nodeVersionProblem(deps.nodeVersion);
  if (problem) return { kind: 'unsupported-node', message: problem };
  const installed = deps.installedElectron();
  if (installed) return { kind: 'desktop', electronPath: installed };
  if (isSet(deps.skipDownload)) {
    return { kind: 'browser', reason: 'No Electron binary here and ELECTRON_SKIP_BINARY_DOWNLOAD is set, so starting the browser version instead.' };
  }
  deps.say('No Electron binary yet: fetching it once for this checkout (Electron shows progress for a long download)...');
  try {
    return { kind: 'desktop', electronPath: deps.fetchElectron() };
  } catch (e) {
    const why = firstLine(e);
    return {
      kind: 'browser',
      reason: `Could not download Electron (${why || 'no network, or its download host is blocked'}), so starting the browser version instead.`,
    };
  }
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e ?? '');
  return text.split('\n')[0]!.trim();
}
