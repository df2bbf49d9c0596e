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

export function setting<T>(value: T, source: Source): Setting<T> {
  return { value, source };
}
