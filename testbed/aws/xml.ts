// The Query protocol's XML answers: <ActionResponse xmlns=NS><ActionResult>..</ActionResult>
// <ResponseMetadata><RequestId>..</RequestId></ResponseMetadata></ActionResponse>, and the error shape.
import type { AwsFault } from './fault';

export const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
export const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

/** a tree of elements: strings become text, arrays become <member> lists, undefined is left out */
export type XmlValue = string | number | boolean | Date | undefined | XmlValue[] | { [name: string]: XmlValue };

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** AWS's timestamp shape: ISO 8601 UTC without milliseconds */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function render(value: XmlValue): string {
  if (value === undefined) return '';
  if (value instanceof Date) return isoSeconds(value);
  if (Array.isArray(value)) return value.map((v) => `<member>${render(v)}</member>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([name, v]) => `<${name}>${render(v)}</${name}>`)
      .join('');
  }
  return escapeXml(String(value));
}

export function resultXml(ns: string, action: string, result: Record<string, XmlValue>, requestId: string): string {
  return (
    `<${action}Response xmlns="${ns}"><${action}Result>${render(result)}</${action}Result>` +
    `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>\n`
  );
}

export function errorXml(ns: string, fault: AwsFault, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${ns}"><Error><Type>${fault.type}</Type><Code>${escapeXml(fault.code)}</Code>` +
    `<Message>${escapeXml(fault.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>\n`
  );
}
