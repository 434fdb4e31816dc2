// Requests for the main window (compose this mailto:, open that message, a menu command). Until
// the renderer has asked for them once (`desktop.intents` on start), they wait here, so a mailto:
// link that launched Hearth is not lost while the window loads; afterwards each goes out at once
// as a `desktop.intent` event.
import type { DesktopIntent } from '../../shared/desktop.ts';

export class IntentQueue {
  private readonly waiting: DesktopIntent[] = [];
  private listening = false;
  private readonly send: (intent: DesktopIntent) => void;

  /** `send` emits the `desktop.intent` event to the renderer. */
  constructor(send: (intent: DesktopIntent) => void) {
    this.send = send;
  }

  push(intent: DesktopIntent): void {
    if (this.listening) this.send(intent);
    else this.waiting.push(intent);
  }

  /** Everything that waited, once; from now on intents are sent as events. */
  take(): DesktopIntent[] {
    this.listening = true;
    return this.waiting.splice(0);
  }
}
