// JSON exactly as Python's json.dumps writes it with its defaults, which is how botocore and the
// AWS CLI write ~/.aws/sso/cache: ", " and ": " between items, every character outside printable
// ASCII escaped as \uXXXX (ensure_ascii), keys in the order given (or sorted, for sort_keys=True).
export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue | undefined };

function pyString(text: string): string {
  // JSON.stringify already escapes quotes, backslashes and control characters as Python does
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** json.dumps(value) (sortKeys: json.dumps(value, sort_keys=True)); undefined members are left out */
export function pythonJson(value: PyValue, sortKeys = false): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return pyString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => pythonJson(item, sortKeys)).join(', ')}]`;
  const entries = Object.entries(value).filter((entry): entry is [string, PyValue] => entry[1] !== undefined);
  if (sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${pyString(key)}: ${pythonJson(item, sortKeys)}`).join(', ')}}`;
}

/** datetime.strftime('%Y-%m-%dT%H:%M:%SZ') of a UTC time: seconds, no fraction */
export function pythonUtc(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
