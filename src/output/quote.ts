// Quoting one value for each output syntax. Each function returns text that the target parser
// reads back as exactly `value`, or undefined when that syntax cannot hold the value at all.
// NUL and lone UTF-16 surrogates are refused before these are called (render.ts): no
// environment variable can hold a NUL, and a lone surrogate has no UTF-8 encoding.

/** POSIX single quotes (bash, zsh, sh/dash): nothing is special inside; a ' is written '\''. */
export function quotePosix(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * POSIX, quoted only where the value needs it: aws-cli-oidc printed `export NAME=value` bare, and
 * AWS keys and tokens (letters, digits, `/`, `+`, `=`) never need quotes. Anything else (a space,
 * `$`, `~`, a quote) is single-quoted.
 */
export function quotePosixWhenNeeded(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : quotePosix(value);
}

/** fish single quotes: inside them only \\ and \' are escapes. */
export function quoteFish(value: string): string {
  return `'${value.replace(/[\\']/g, '\\$&')}'`;
}

/**
 * PowerShell single quotes: ' and the typographic quotes U+2018..U+201B all open and close a
 * string, and any two of them in a row stand for the second one, so each is doubled.
 */
export function quotePowerShell(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, '$&$&')}'`;
}

/**
 * The `env` format is docker/podman --env-file: the value is everything after `=` up to the end of
 * the line, taken literally. So it cannot hold a line break.
 */
export function quoteEnvFile(value: string): string | undefined {
  return /[\r\n]/.test(value) ? undefined : value;
}

/**
 * dotenv (the npm package's parser, which Node's --env-file follows closely). Double quotes turn
 * \n and \r into line breaks but have no other escapes (a " or \ inside cannot be written), and
 * dotenv-expand and docker compose expand $ in them; single quotes and backticks are literal
 * but a raw CR is turned into LF when the file is read, and a backslash before the closing quote
 * reads as an escaped quote (the value would run on to a later quote). A bare value is taken as it
 * is, but trimmed and cut at #, and $ in it is expanded. The first style that holds the value wins, so the ordinary case is
 * the portable "value".
 */
export function quoteDotenv(value: string): string | undefined {
  if (!/["\\$`]/.test(value)) return `"${value.replaceAll('\n', '\\n').replaceAll('\r', '\\r')}"`;
  if (!/['\r]|\\$/.test(value)) return `'${value}'`;
  if (!/[`\r]|\\$/.test(value)) return `\`${value}\``;
  if (/^[^\s'"`#$][^#$\r\n]*$/.test(value) && !/\s$/.test(value)) return value;
  return undefined;
}
