// Every command rolecall has, loaded only when it runs. One line each.
import type { CommandEntry } from './command';

export const COMMANDS: Record<string, CommandEntry> = {
  export: { summary: 'Print credentials for a profile (credential_process JSON, shell exports, env, dotenv, json)', load: () => import('./export') },
  exec: { summary: 'Run a command with credentials in its environment', load: () => import('./exec') },
  'from-sts': { summary: 'Turn `aws sts ...` JSON on stdin into shell exports', load: () => import('./from-sts') },
  unset: { summary: 'Print lines that unset every AWS credential variable', load: () => import('./unset') },
  assume: { summary: 'coinbase assume-role: assume a role in an account through the bastion profile', load: () => import('./assume') },
  whoami: { summary: 'Show who the credentials are (GetCallerIdentity), their expiry and source chain', load: () => import('./whoami') },
  'shell-init': { summary: 'Print the `assume` shell function for your rc file (bash, zsh, fish, powershell)', load: () => import('./shell-init') },
  completion: { summary: 'Print a completion script (bash, zsh, fish, powershell) with profile names from your config', load: () => import('./completion') },
  ssh: { summary: 'ssh to a host whose AWS CLI and SDKs get the profile\'s credentials, renewed, through the session', load: () => import('./ssh') },
  login: { summary: 'Open the AWS console signed in as the profile\'s role (or print the sign-in URL)', load: () => import('./login') },
  'list-roles': { summary: 'List the IAM roles an OIDC client can assume, or every account and role of an Identity Center session', load: () => import('./list-roles') },
  list: { summary: 'aws-oidc compat: the same as list-roles (--claim, --client_id)', load: () => import('./list') },
  auth: { summary: 'aws-oidc compat: credential_process JSON for a provider in ~/.aws-oidc/config', load: () => import('./auth') },
  runas: { summary: 'aws-runas compat: aws-runas [flags] PROFILE [CMD ARGS], and password PROFILE', load: () => import('./runas') },
  'get-cred': { summary: 'aws-cli-oidc compat: credentials for a provider in ~/.aws-cli-oidc/config.yaml', load: () => import('./get-cred') },
  'clear-secret': { summary: 'aws-cli-oidc compat: clear --all, leaving IAM Identity Center signed in', load: () => import('./clear-secret') },
  clear: { summary: 'Forget cached credentials for a profile, or --all (with the stored IdP sign-ins and Identity Center sessions)', load: () => import('./clear') },
  keys: { summary: 'Keep an IAM user\'s access key in the OS keyring instead of the credentials file (add, rm)', load: () => import('./keys') },
  shims: { summary: 'Install, remove or list the old command names (aws-oidc, aws-cli-oidc, aws-runas, assume-role) that run rolecall', load: () => import('./shims') },
  setup: { summary: 'Interactive wizard that writes a profile into ~/.aws/config, or one per Identity Center role (--sso-session)', load: () => import('./setup') },
  password: { summary: 'Store the IdP password of a profile in the OS keyring (for the password login)', load: () => import('./password') },
  doctor: { summary: 'Explain a profile: settings with their sources, the steps rolecall would run, and checks of the files, keyring, browser, STS, IdP and clock', load: () => import('./doctor') },
};
