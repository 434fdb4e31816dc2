// Typed events from the services to whichever hosts are attached.
import { EventEmitter } from 'node:events';
import type { EventName, EventOf } from '../../shared/api.ts';

export type EventSink = <E extends EventName>(event: E, payload: EventOf<E>) => void;

export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    this.emitter.emit('event', event, payload);
  }

  /** Receives every event; returns the unsubscribe function. */
  subscribe(sink: EventSink): () => void {
    const listener = (event: EventName, payload: unknown) => (sink as (e: EventName, p: unknown) => void)(event, payload);
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
