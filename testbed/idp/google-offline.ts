// Google's rule for refresh tokens (developers.google.com/identity/protocols/oauth2/native-app):
// the authorization request must say access_type=offline, and Google returns a refresh token only
// the first time the user grants the client offline access, or again when the request also says
// prompt=consent. `offline_access` means nothing to Google. The authorization endpoint records what
// each request said, keyed by its PKCE code challenge (unique per request); the code grant asks here
// whether the code it redeems may get a refresh token.
import type { Context } from 'oidc-provider';

export interface GoogleOffline {
  /** oidc-provider extraParams validator for access_type: records the request */
  accessType(ctx: Context, value: string | undefined): Promise<void>;
  /** whether redeeming the code issued for this request earns a refresh token (and remembers it) */
  refreshTokenFor(codeChallenge: string | undefined, accountId: string, clientId: string): boolean;
}

export function googleOffline(): GoogleOffline {
  const requests = new Map<string, { offline: boolean; consent: boolean }>();
  const granted = new Set<string>();
  return {
    async accessType(ctx, value) {
      const challenge = ctx.oidc.params?.code_challenge;
      if (!challenge) return;
      const prompt = (ctx.oidc.params?.prompt ?? '').split(' ');
      requests.set(challenge, { offline: value === 'offline', consent: prompt.includes('consent') });
    },
    refreshTokenFor(codeChallenge, accountId, clientId) {
      const request = codeChallenge === undefined ? undefined : requests.get(codeChallenge);
      if (codeChallenge !== undefined) requests.delete(codeChallenge);
      if (!request?.offline) return false;
      const key = `${accountId}|${clientId}`;
      if (granted.has(key) && !request.consent) return false;
      granted.add(key);
      return true;
    },
  };
}
