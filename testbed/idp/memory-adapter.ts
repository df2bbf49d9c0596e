// A per-IdP in-memory storage adapter for oidc-provider. oidc-provider's own memory adapter keeps
// one module-wide store, which several testbeds in one test process would share; this one lives
// and dies with its IdP and can drop every artifact of a kind at once (revokeRefreshTokens).
import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

export class MemoryStore {
  readonly #entries = new Map<string, Entry>();

  adapterFor = (model: string): Adapter => new ModelAdapter(this, model);

  /** forget every stored artifact of one model, e.g. 'RefreshToken' */
  dropModel(model: string): void {
    for (const key of [...this.#entries.keys()]) if (key.startsWith(`${model}:`)) this.#entries.delete(key);
  }

  get(key: string): AdapterPayload | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }

  set(key: string, payload: AdapterPayload, expiresIn: number | undefined): void {
    this.#entries.set(key, { payload, expiresAt: expiresIn === undefined ? Infinity : Date.now() + expiresIn * 1000 });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }
}

class ModelAdapter implements Adapter {
  constructor(
    private readonly store: MemoryStore,
    private readonly model: string,
  ) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    this.store.set(this.key(id), payload, expiresIn);
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.store.get(this.key(id));
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findWhere((payload) => payload.userCode === userCode);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findWhere((payload) => payload.uid === uid);
  }

  async consume(id: string): Promise<void> {
    const payload = this.store.get(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    this.store.delete(this.key(id));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const key of this.store.keys()) {
      if (this.store.get(key)?.grantId === grantId) this.store.delete(key);
    }
  }

  // a linear scan: the testbed holds a handful of artifacts
  private findWhere(match: (payload: AdapterPayload) => boolean): AdapterPayload | undefined {
    for (const key of this.store.keys()) {
      if (!key.startsWith(`${this.model}:`)) continue;
      const payload = this.store.get(key);
      if (payload && match(payload)) return payload;
    }
    return undefined;
  }
}
