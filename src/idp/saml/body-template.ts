// coinbase's SAML_IDP_REQUEST_BODY_TEMPLATE: a JSON body naming $saml_user and $saml_password
// (or ${saml_user}, ${saml_password}). The bash original pasted the values in raw, so a password
// with a quote broke the body or added keys to it. Here the template is walked as JSON: inside a
// string literal a value is inserted JSON-escaped; outside one it becomes a whole string literal.
// Either way a value can only ever be the content of one string.
import { describeSource, type Setting } from '../../config/source';
import { RolecallError } from '../../errors';

export interface TemplateValues {
  saml_user: string;
  saml_password: string;
}

/** `$name` not followed by another identifier character (as in sh), or `${name}`. */
const PLACEHOLDER = /^\$(?:\{(saml_user|saml_password)\}|(saml_user|saml_password)(?![A-Za-z0-9_]))/;

function substitute(template: string, values: TemplateValues): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < template.length; ) {
    const ch = template[i]!;
    if (ch === '$') {
      const match = PLACEHOLDER.exec(template.slice(i));
      if (match) {
        const literal = JSON.stringify(values[(match[1] ?? match[2]) as keyof TemplateValues]);
        out += inString ? literal.slice(1, -1) : literal;
        i += match[0].length;
        continue;
      }
    }
    if (inString && ch === '\\') {
      // keep an escape pair together so that \" does not end the string
      out += template.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (ch === '"') inString = !inString;
    out += ch;
    i += 1;
  }
  return out;
}

const TEMPLATE_HINT = `Write it as JSON with the placeholders inside strings, e.g. '{"email": "$saml_user", "password": "$saml_password"}'.`;

/** The request body for the SAML POST API; CONFIG_INVALID (naming where the template came from) when it is not JSON. */
export function renderBodyTemplate(template: Setting<string>, values: TemplateValues): string {
  // Validate with harmless values first, so that a parse error can never quote the password.
  try {
    JSON.parse(substitute(template.value, { saml_user: '', saml_password: '' }));
  } catch (error) {
    throw new RolecallError(
      'CONFIG_INVALID',
      `the SAML request body template (from ${describeSource(template.source)}) is not JSON: ${(error as Error).message}`,
      { hint: TEMPLATE_HINT },
    );
  }
  if (!/\$(?:\{saml_password\}|saml_password(?![A-Za-z0-9_]))/.test(template.value)) {
    throw new RolecallError(
      'CONFIG_INVALID',
      `the SAML request body template (from ${describeSource(template.source)}) does not contain $saml_password`,
      { hint: TEMPLATE_HINT },
    );
  }
  return substitute(template.value, values);
}
