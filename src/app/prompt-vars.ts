// AWS_ACCOUNT_NAME / AWS_ACCOUNT_ROLE (seed 003's prompt variables) for a set of credentials.
import type { Credentials } from '../sts/credentials';
import { resolveAccount } from '../config/accounts';

/** `accounts`: alias -> account id, from ~/.aws/accounts */
export function promptVariables(credentials: Credentials, profileName: string, accounts: Map<string, string>): Record<string, string> {
  const vars: Record<string, string> = {};
  const account = credentials.accountId;
  const alias = account ? resolveAccount(account, accounts).name : undefined;
  vars.AWS_ACCOUNT_NAME = alias && alias !== account ? alias : profileName;
  const role = credentials.arn ? /:assumed-role\/([^/]+)\//.exec(credentials.arn)?.[1] : undefined;
  if (role) vars.AWS_ACCOUNT_ROLE = role;
  if (account) vars.AWS_ACCOUNT_ID = account;
  return vars;
}
