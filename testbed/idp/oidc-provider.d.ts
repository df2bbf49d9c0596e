// oidc-provider v9 ships no type declarations; these cover only what the testbed IdP uses
// (names and shapes from node_modules/oidc-provider/lib).
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type AdapterPayload = Record<string, unknown> & {
    grantId?: string;
    userCode?: string;
    uid?: string;
    consumed?: number;
  };

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>>;
  }

  export interface Client {
    clientId: string;
    grantTypeAllowed(grantType: string): boolean;
  }

  export interface OIDCContext {
    params?: Record<string, string | undefined>;
    client?: Client;
    route?: string;
    session?: {
      accountId?: string;
      loginAccount(details: { accountId: string; loginTs?: number }): void;
      grantIdFor(clientId: string): string | undefined;
    };
    result?: { consent?: { grantId?: string } };
  }

  /** the koa context oidc-provider hands to middleware and callbacks */
  export interface Context {
    req: IncomingMessage;
    res: ServerResponse;
    method: string;
    path: string;
    status: number;
    body: unknown;
    type: string;
    get(header: string): string;
    set(header: string, value: string): void;
    redirect(url: string): void;
    /** koa's: the query string without the "?" */
    querystring: string;
    /** koa's cookies (the cookies package) */
    cookies: {
      get(name: string): string | undefined;
      set(name: string, value: string, options?: { httpOnly?: boolean; sameSite?: 'lax' | 'strict' | 'none'; signed?: boolean; overwrite?: boolean; maxAge?: number }): void;
    };
    oidc: OIDCContext;
  }

  export type Next = () => Promise<void>;

  export interface Interaction {
    uid: string;
    params: Record<string, string | undefined>;
    prompt: { name: string; details: Record<string, unknown> };
    session?: { accountId: string };
    grantId?: string;
  }

  interface AccessTokenInstance {
    resourceServer?: unknown;
    save(): Promise<string>;
  }

  interface RefreshTokenInstance {
    save(): Promise<string>;
  }

  interface GrantInstance {
    accountId: string;
    clientId: string;
    addOIDCScope(scope: string): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  interface IdTokenInstance {
    scope: string;
    set(key: string, value: unknown): void;
    issue(options: { use: 'idtoken' }): Promise<string>;
  }

  export interface Configuration {
    [key: string]: unknown;
  }

  export type GrantHandler = (ctx: Context) => Promise<void>;

  export default class Provider {
    constructor(issuer: string, configuration: Configuration);
    issuer: string;
    use(middleware: (ctx: Context, next: Next) => Promise<void>): this;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: never[]) => void): this;
    registerGrantType(name: string, handler: GrantHandler, params?: string[]): void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
    AccessToken: { new (properties: Record<string, unknown>): AccessTokenInstance };
    ResourceServer: { new (identifier: string, info: Record<string, unknown>): unknown };
    RefreshToken: { new (properties: Record<string, unknown>): RefreshTokenInstance };
    Grant: {
      new (properties: { accountId: string; clientId: string }): GrantInstance;
      find(id: string): Promise<GrantInstance | undefined>;
    };
    IdToken: { new (claims: Record<string, unknown>, options: { ctx: Context }): IdTokenInstance };
  }

  class OIDCProviderError extends Error {
    constructor(description?: string);
    error: string;
    error_description?: string;
  }

  interface Policy {
    get(name: string): { checks: { remove(name: string): void } };
  }

  export const interactionPolicy: { base(): Policy };

  export const errors: {
    InvalidGrant: typeof OIDCProviderError;
    InvalidRequest: typeof OIDCProviderError;
    InvalidScope: typeof OIDCProviderError;
    InvalidTarget: typeof OIDCProviderError;
    UnauthorizedClient: typeof OIDCProviderError;
    UnsupportedGrantType: typeof OIDCProviderError;
  };
}
