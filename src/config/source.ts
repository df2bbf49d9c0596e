// Where a resolved value came from, so that doctor and every error can name it.

export type Source =
  /** `key`: the key as the file writes it, when rolecall reads it under another name (aws-oidc, aws-cli-oidc) */
  | { kind: 'file'; path: string; line: number; key?: string }
  | { kind: 'env'; name: string }
  | { kind: 'flag'; name: string }
  | { kind: 'argument'; name: string }
  | { kind: 'default' };

export interface Setting<T = string> {
  value: T;
  source: Source;
}

export function describeSource(source: Source): string {
  switch (source.kind) {
    case 'file':
      return `${source.path}:${source.line}`;
    case 'env':
      return `environment variable ${source.name}`;
    case 'flag':
      return `flag ${source.name}`;
    case 'argument':
      return `argument ${source.name}`;
    case 'default':
      return 'built-in default';
  }
}

const RANK: Record<Source['kind'], number> = { flag: 4, argument: 4, env: 3, file: 2, default: 0 };

/** How strong a source is in precedence: a flag or argument beats the environment, which beats a file, which beats a default. */
export function rank(source: Source): number {
  return RANK[source.kind];
}

export function setting<T>(value: T, source: Source): Setting<T> {
  return { value, source };
}
