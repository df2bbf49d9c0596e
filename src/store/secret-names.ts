// The names of the entries rolecall keeps in the OS keyring (or the file backend): one owner for
// each, so that the command that writes an entry and the code that reads it agree.

/** An IAM user's access key, stored by `rolecall keys add PROFILE` (JSON: accessKeyId, secretAccessKey). */
export const keysSecretName = (profile: string) => `keys:${profile}`;

/** The IdP or SAML password stored by `rolecall password PROFILE`. */
export const passwordSecretName = (profile: string) => `password:${profile}`;

/** The password of `username` at a SAML POST API `url`. */
export const samlPasswordSecretName = (url: string, username: string) => `saml-password:${url}|${username}`;

/** Every refresh token starts with this (`rolecall clear --all` removes them). */
export const REFRESH_TOKEN_PREFIX = 'refresh:';

/** The refresh token of an OIDC client at an issuer: shared by every profile that signs in there. */
export const refreshSecretName = (issuer: string, clientId: string) => `${REFRESH_TOKEN_PREFIX}${issuer}:${clientId}`;
