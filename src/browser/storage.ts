/**
 * Key-value storage with fallbacks: the requested Web Storage, else memory. A storage that is
 * missing, full or throwing (Safari private mode, disabled cookies, sandboxed iframes) never
 * breaks the SDK: reads return null and writes fall back to memory.
 */
export type StorageKind = 'localStorage' | 'sessionStorage' | 'memory';

export interface KeyValueStore {
  readonly kind: StorageKind;
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
  keys(): string[];
}

export function memoryStore(): KeyValueStore {
  const map = new Map<string, string>();
  return {
    kind: 'memory',
    get: (k) => map.get(k) ?? null,
    set: (k, v) => void map.set(k, v),
    remove: (k) => void map.delete(k),
    keys: () => [...map.keys()],
  };
}

function webStorage(kind: 'localStorage' | 'sessionStorage'): Storage | undefined {
  try {
    const storage = (globalThis as unknown as Record<string, Storage | undefined>)[kind];
    if (!storage) return undefined;
    const probe = '__otel_rum_probe__';
    storage.setItem(probe, probe);
    storage.removeItem(probe);
    return storage;
  } catch {
    return undefined;
  }
}

export function createStore(kind: StorageKind): KeyValueStore {
  const storage = kind === 'memory' ? undefined : webStorage(kind);
  const memory = memoryStore();
  if (!storage) return memory;
  return {
    kind,
    get(key) {
      try {
        return storage.getItem(key) ?? memory.get(key);
      } catch {
        return memory.get(key);
      }
    },
    set(key, value) {
      try {
        storage.setItem(key, value);
        memory.remove(key);
      } catch {
        // quota exceeded or storage revoked: keep the value for this page at least
        memory.set(key, value);
      }
    },
    remove(key) {
      memory.remove(key);
      try {
        storage.removeItem(key);
      } catch {
        // nothing stored there, nothing to do
      }
    },
    keys() {
      const out = new Set(memory.keys());
      try {
        for (let i = 0; i < storage.length; i++) {
          const key = storage.key(i);
          if (key !== null) out.add(key);
        }
      } catch {
        // storage revoked: what memory holds is all we know
      }
      return [...out];
    },
  };
}

/**
 * Consent withdrawn: removes every key starting with `prefix` from both Web Storages, whatever
 * kind this page was configured with (an earlier page may have used the other one).
 */
export function forgetStored(prefix: string): void {
  for (const kind of ['localStorage', 'sessionStorage'] as const) {
    try {
      const storage = (globalThis as unknown as Record<string, Storage | undefined>)[kind];
      if (!storage) continue;
      const keys: string[] = [];
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i);
        if (key?.startsWith(prefix)) keys.push(key);
      }
      keys.forEach((key) => storage.removeItem(key));
    } catch {
      // storage revoked or blocked: nothing of ours can be read there either
    }
  }
}
