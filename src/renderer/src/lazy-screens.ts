// What the first paint does not need loads on first use: the rich-text editor (tiptap and
// ProseMirror), Settings, the household admin and import/export are most of the renderer's code.
// After the first paint they load in idle time anyway, so opening one is instant and the browser
// host's service worker holds them for offline use (it keeps every script the page fetched).
import { lazy } from 'react';

const loaders = {
  ComposeForm: () => import('./components/compose/ComposeForm.tsx').then((m) => ({ default: m.ComposeForm })),
  SettingsScreen: () => import('./components/settings/SettingsScreen.tsx').then((m) => ({ default: m.SettingsScreen })),
  AdminScreen: () => import('./components/admin/AdminScreen.tsx').then((m) => ({ default: m.AdminScreen })),
  TransferDialog: () => import('./components/TransferDialog.tsx').then((m) => ({ default: m.TransferDialog })),
};

export const LazyComposeForm = lazy(loaders.ComposeForm);
export const LazySettingsScreen = lazy(loaders.SettingsScreen);
export const LazyAdminScreen = lazy(loaders.AdminScreen);
export const LazyTransferDialog = lazy(loaders.TransferDialog);

/** After the first paint has had its turn: when the page is next idle (a failed load is tried again on use). */
const PRELOAD_AFTER_MS = 2000;

/** Loads every lazy screen in the background. */
export function preloadLazyScreens(win: Pick<Window, 'setTimeout'> & { requestIdleCallback?(cb: () => void): unknown } = window): void {
  const load = () => void Promise.allSettled(Object.values(loaders).map((l) => l()));
  win.setTimeout(() => (win.requestIdleCallback ? win.requestIdleCallback(load) : load()), PRELOAD_AFTER_MS);
}
