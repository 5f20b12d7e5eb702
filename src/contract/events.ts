/**
 * NEP-297 events: one log line `EVENT_JSON:{"standard","version","event","data":[{…}]}` per
 * event, with the standard and version from the config ("near-outlayer", "1.0.0" by default).
 * Watchers (the coordinator) read them from receipt logs.
 */
import type { Config } from './config.js';
import { toJson } from './lib/json.js';
import { near } from './near.js';

export type EventName = 'execution_requested' | 'execution_completed';

export function emit(config: Config, event: EventName, data: Record<string, unknown>): void {
  near.log(`EVENT_JSON:${toJson({ standard: config.event_standard, version: config.event_version, event, data: [data] })}`);
}
