import type { KeyValueStore } from '../browser/storage';
import { safely } from '../guard';
import { isSampled, randomHex } from './sampling';

export const SESSION_STORAGE_KEY = 'otel_rum_session';

export interface Session {
  id: string;
  /** Epoch ms the session started. */
  startedAt: number;
  /** Epoch ms of the last real user input. */
  lastActivityAt: number;
  previousId?: string;
  /** Decided once, when the session starts, so every tab agrees. */
  sampled: boolean;
}

export interface SessionManagerOptions {
  store: KeyValueStore;
  inactivityTimeoutMs: number;
  maxDurationMs: number;
  sampleRate: number;
  alwaysSample?: () => boolean;
  now?: () => number;
  /** Called when this tab starts a session (first visit or rollover). */
  onNewSession?: (session: Session) => void;
}

export interface SessionManager {
  /** The live session, starting a new one when none exists or the stored one expired. */
  current(): Session;
  /** Real user input: extends the session's inactivity window. */
  touch(): void;
  /** Forgets the session (consent withdrawn). */
  clear(): void;
}

/** Writes of `lastActivityAt` are throttled: input events can fire hundreds of times a second. */
const ACTIVITY_WRITE_INTERVAL_MS = 1_000;

function parse(raw: string | null): Session | undefined {
  if (!raw) return undefined;
  try {
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.id !== 'string' || typeof s.startedAt !== 'number') return undefined;
    if (typeof s.lastActivityAt !== 'number' || typeof s.sampled !== 'boolean') return undefined;
    return s as Session;
  } catch {
    return undefined;
  }
}

export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const now = options.now ?? Date.now;
  const { store } = options;
  let cached: Session | undefined;

  const expired = (s: Session, t: number): boolean =>
    t - s.lastActivityAt >= options.inactivityTimeoutMs || t - s.startedAt >= options.maxDurationMs;

  const save = (s: Session): void => {
    cached = s;
    store.set(SESSION_STORAGE_KEY, JSON.stringify(s));
  };

  const start = (t: number, previous?: Session): Session => {
    const id = randomHex(16);
    const forced = safely(() => options.alwaysSample?.() === true) ?? false;
    const session: Session = {
      id,
      startedAt: t,
      lastActivityAt: t,
      sampled: forced || isSampled(id, options.sampleRate),
      ...(previous ? { previousId: previous.id } : {}),
    };
    save(session);
    options.onNewSession?.(session);
    return session;
  };

  const current = (): Session => {
    const t = now();
    // Storage is the source of truth: another tab may have renewed or extended the session.
    const stored = parse(store.get(SESSION_STORAGE_KEY)) ?? cached;
    if (stored && !expired(stored, t)) {
      cached = stored;
      return stored;
    }
    return start(t, stored);
  };

  return {
    current,
    touch() {
      const t = now();
      const s = current();
      if (t - s.lastActivityAt >= ACTIVITY_WRITE_INTERVAL_MS) save({ ...s, lastActivityAt: t });
    },
    clear() {
      cached = undefined;
      store.remove(SESSION_STORAGE_KEY);
    },
  };
}
