/** A batch as the relay service worker keeps it in IndexedDB (src/relay/worker.ts). */
export interface RelayRow {
  id: string;
  state: 'queued' | 'inflight' | 'done';
  body: string;
  outcome?: number;
}

/**
 * The relay worker's batches, read in the page (pass it to `page.evaluate` or a driver's
 * `evaluate`); [] when the origin has no relay store. It never creates the database: an empty one
 * opened here would keep the worker from creating its object store.
 */
export async function relayRows(): Promise<RelayRow[]> {
  const names = (await indexedDB.databases()).map((d) => d.name);
  if (!names.includes('otel-rum-relay')) return [];
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open('otel-rum-relay');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  try {
    if (!db.objectStoreNames.contains('batches')) return [];
    return await new Promise<RelayRow[]>((resolve, reject) => {
      const r = db.transaction('batches').objectStore('batches').getAll();
      r.onsuccess = () => resolve(r.result as RelayRow[]);
      r.onerror = () => reject(r.error);
    });
  } finally {
    db.close();
  }
}
