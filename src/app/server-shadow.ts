// In a child of `exec --server`, every AWS SDK looks at the [default] profile before the credential
// server: keys or a role there would quietly be used instead. Found here, so that exec can say so.
import type { ConfigFiles } from '../config/files';

// what makes an SDK take the default profile's credentials (keys, a role, a process, SSO, web identity)
const CREDENTIAL_KEYS = ['aws_access_key_id', 'credential_process', 'role_arn', 'web_identity_token_file', 'sso_session', 'sso_start_url'];

/** The first such setting, and the variable that points the child at another file, or undefined. */
export function defaultProfileShadow(files: ConfigFiles): { what: string; variable: string } | undefined {
  const places = [
    { section: files.credentialProfiles.get('default'), path: files.credentials.path, variable: 'AWS_SHARED_CREDENTIALS_FILE' },
    { section: files.configProfiles.get('default'), path: files.config.path, variable: 'AWS_CONFIG_FILE' },
  ];
  for (const { section, path, variable } of places) {
    const key = CREDENTIAL_KEYS.find((k) => section?.values.has(k));
    if (key) return { what: `${key} in [default] of ${path}`, variable };
  }
  return undefined;
}
