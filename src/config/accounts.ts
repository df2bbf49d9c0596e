// ~/.aws/accounts (seed 003): a JSON object of alias -> 12-digit account id.
import { join } from 'node:path';
import { RolecallError } from '../errors';
import { didYouMean } from '../platform/suggest';
import { readTextFile } from './files';
import { isAccountId } from './parse';

export interface Account {
  id: string;
  /** the alias when there is one, else the id (what AWS_ACCOUNT_NAME shows) */
  name: string;
}

/** The 1-based line and column of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

function lineOfKey(text: string, key: string): number {
  const at = text.indexOf(JSON.stringify(key));
  return at < 0 ? 1 : lineColumn(text, at).line;
}

/** The accounts file: ROLECALL_ACCOUNTS_FILE, else ~/.aws/accounts. */
export function accountsPath(home: string, env: NodeJS.ProcessEnv): string {
  return env.ROLECALL_ACCOUNTS_FILE || join(home, '.aws', 'accounts');
}

/** Aliases in file order; a missing file has none. */
export function readAccounts(home: string, env: NodeJS.ProcessEnv): Map<string, string> {
  const path = accountsPath(home, env);
  const text = readTextFile(path, 'accounts file');
  const accounts = new Map<string, string>();
  if (text === undefined || text.trim() === '') return accounts;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const where = position ? `${path}:${lineColumn(text, Number(position[1])).line}` : path;
    throw new RolecallError('CONFIG_SYNTAX', `${where}: not valid JSON (${message})`, {
      hint: 'The accounts file is one JSON object of alias to account id: {"production": "123456789012"}.',
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RolecallError('CONFIG_INVALID', `${path}:1: expected a JSON object of alias to account id`, {
      hint: 'Write {"production": "123456789012", "staging": "210987654321"}.',
    });
  }
  for (const [alias, id] of Object.entries(parsed)) {
    const digits = typeof id === 'number' ? String(id) : id;
    if (typeof digits !== 'string' || !isAccountId(digits)) {
      throw new RolecallError(
        'CONFIG_INVALID',
        `${path}:${lineOfKey(text, alias)}: account "${alias}" is ${JSON.stringify(id)}, not a 12-digit account id`,
        { hint: 'Write the id as a string of 12 digits (a number drops leading zeros): "012345678901".' },
      );
    }
    accounts.set(alias, digits);
  }
  return accounts;
}

/** An alias or a 12-digit id -> the account; an id also finds its alias for the prompt. */
export function resolveAccount(aliasOrId: string, accounts: ReadonlyMap<string, string>): Account {
  const id = accounts.get(aliasOrId);
  if (id !== undefined) return { id, name: aliasOrId };
  if (isAccountId(aliasOrId)) {
    const alias = [...accounts].find(([name, value]) => value === aliasOrId && name !== 'default')?.[0];
    return { id: aliasOrId, name: alias ?? aliasOrId };
  }
  const known = [...accounts.keys()];
  throw new RolecallError('USAGE', `"${aliasOrId}" is neither a 12-digit account id nor an alias in the accounts file.${didYouMean(aliasOrId, known)}`, {
    hint: known.length
      ? `Use an account id or one of the aliases: ${known.join(', ')}.`
      : 'Use the 12-digit account id, or define aliases in ~/.aws/accounts: {"production": "123456789012"}.',
  });
}
