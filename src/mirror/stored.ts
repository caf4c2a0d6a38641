import type { ObjectStore } from './object-store.ts';

/**
 * One of the datastore's own JSON objects (state, pending, version manifest: all `version: 1`),
 * or null when absent or damaged — then treated as none (the next publish rewrites everything).
 */
export async function readStoredJson<T extends { version?: unknown }>(store: ObjectStore, key: string): Promise<T | null> {
  const bytes = await store.get(key);
  if (!bytes) return null;
  try {
    const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
    return value && typeof value === 'object' && value.version === 1 ? value : null;
  } catch {
    return null;
  }
}
