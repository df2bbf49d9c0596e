// aws-cli-oidc compat: `clear-secret` forgot the credentials it kept in the OS secret store.
// rolecall's equivalent is `clear --all`: every cached credential and every stored IdP sign-in.
import { RolecallError } from '../errors';
import { forget } from '../app/forget';
import type { Command } from './command';

export const command: Command = {
  name: 'clear-secret',
  usage: 'rolecall clear-secret',
  options: {},
  help: `aws-cli-oidc's clear-secret: forgets every cached credential and every stored identity provider
sign-in (OIDC refresh tokens), as \`rolecall clear --all\` does, but leaves AWS IAM Identity Center
signed in (aws-cli-oidc knew nothing of it). Passwords and keys are kept.

Example:
  rolecall clear-secret`,
  async run(parsed, ctx) {
    if (parsed.positionals.length > 0) {
      throw new RolecallError('USAGE', 'rolecall clear-secret takes no arguments', { hint: 'To forget one profile only, run `rolecall clear PROFILE`.' });
    }
    await forget(undefined, ctx);
    return 0;
  },
};
