// Test fixtures for alerts: candidates as the log pipeline would hand them over.
import type { LogEvent } from '../logs/event.ts';
import type { AlertInput } from './model.ts';

export const T0 = Date.parse('2026-09-14T09:00:00Z');
export const MIN = 60_000;

export function event(at: number, over: Partial<LogEvent> = {}): LogEvent {
  return {
    at,
    source: 'squid',
    user: 'OAKFIELD\\rquill',
    clientIp: '10.0.4.21',
    device: 'ICT-PC12',
    host: 'selfharm.example',
    url: 'http://selfharm.example/forum',
    action: 'blocked',
    filterCategory: 'selfharm',
    reason: 'Banned category',
    bytes: 512,
    ...over,
  };
}

export function candidate(over: Partial<AlertInput> = {}): AlertInput {
  const firstAt = over.firstAt ?? T0;
  const lastAt = over.lastAt ?? firstAt + MIN;
  return {
    rule: 'harmful_content',
    priority: 'high',
    subjectKey: 'rquill',
    personId: null,
    category: 'self_harm',
    why: 'Tried to reach self-harm content (selfharm.example) 2 times',
    firstAt,
    lastAt,
    eventCount: 2,
    events: [event(firstAt), event(lastAt)],
    ...over,
  };
}
