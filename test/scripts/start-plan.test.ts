import { describe, expect, it } from 'vitest';
import { planStart, type StartDeps } from '../../scripts/start-plan.ts';

/** Deps for planStart with a resolver that records whether it was asked to download. */
function deps(over: Partial<StartDeps> = {}) {
  const said: string[] = [];
  let fetched = 0;
  const d: StartDeps = {
    nodeVersion: '24.3.0',
    skipDownload: undefined,
    installedElectron: () => null,
    fetchElectron: () => {
      fetched++;
      return '/electron/dist/electron';
    },
    say: (l) => said.push(l),
    ...over,
  };
  return { d, said, fetched: () => fetched };
}

describe('npm start: what it starts', () => {
  it('binary present: the desktop app, without asking the resolver', () => {
    const { d, fetched, said } = deps({ installedElectron: () => '/checkout/node_modules/electron/dist/electron' });
    expect(planStart(d)).toEqual({ kind: 'desktop', electronPath: '/checkout/node_modules/electron/dist/electron' });
    expect(fetched()).toBe(0);
    expect(said).toEqual([]);
  });

  it('binary present even with ELECTRON_SKIP_BINARY_DOWNLOAD set: still the desktop app', () => {
    const { d } = deps({ installedElectron: () => '/e', skipDownload: '1' });
    expect(planStart(d)).toMatchObject({ kind: 'desktop' });
  });

  it('binary missing: Electron resolver fetches it, then the desktop app', () => {
    const { d, fetched, said } = deps();
    expect(planStart(d)).toEqual({ kind: 'desktop', electronPath: '/electron/dist/electron' });
    expect(fetched()).toBe(1);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/fetching/i);
  });

  it('download fails: the browser version, with one line saying why', () => {
    const { d } = deps({
      fetchElectron: () => {
        throw new Error('the download failed: no network, or its host is blocked\n    at install.js:1');
      },
    });
    const plan = planStart(d);
    expect(plan.kind).toBe('browser');
    const reason = (plan as { reason: string }).reason;
    expect(reason).not.toContain('\n');
    expect(reason).toMatch(/Could not download Electron \(the download failed: no network, or its host is blocked\)/);
    expect(reason).toMatch(/browser version/);
  });

  it('ELECTRON_SKIP_BINARY_DOWNLOAD=1: the browser version, and no download is tried', () => {
    const { d, fetched } = deps({ skipDownload: '1' });
    const plan = planStart(d);
    expect(plan).toMatchObject({ kind: 'browser' });
    expect((plan as { reason: string }).reason).toMatch(/ELECTRON_SKIP_BINARY_DOWNLOAD/);
    expect(fetched()).toBe(0);
    // "0" and "false" do not skip
    expect(planStart(deps({ skipDownload: '0' }).d)).toMatchObject({ kind: 'desktop' });
    expect(planStart(deps({ skipDownload: 'false' }).d)).toMatchObject({ kind: 'desktop' });
  });

  it('Node too old: says which Node is needed and how to get it, and touches nothing else', () => {
    const { d, fetched } = deps({ nodeVersion: '20.19.2', installedElectron: () => '/e' });
    const plan = planStart(d);
    expect(plan.kind).toBe('unsupported-node');
    const message = (plan as { message: string }).message;
    expect(message).not.toContain('\n');
    expect(message).toMatch(/Node\.js 24 or newer \(this is 20\.19\.2\)/);
    expect(message).toMatch(/npm install --prefix \.tools node@24/);
    expect(fetched()).toBe(0);
  });
});
