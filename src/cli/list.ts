// aws-oidc compat: rolecall list --claim K --client_id ID [--profile P], aws-oidc's spelling of list-roles
import { command as listRoles } from './list-roles';
import type { Command } from './command';

export const command: Command = {
  ...listRoles,
  name: 'list',
  usage: 'rolecall list --claim K --client_id ID [--profile P] [--json]',
  help: `aws-oidc's \`list\`, kept as it was: the same as \`rolecall list-roles\`.

${listRoles.help}

Example:
  rolecall list --claim="accounts.google.com:aud" --client_id="CLIENT_ID"`,
};
