// Writes one section of an AWS config file while keeping every other byte as it was: comments,
// blank lines, other sections, and the keys of the section that the edit does not set.

const HEADER = /^\s*\[([^\]]+)\]\s*(?:[#;].*)?$/;
const KEY = /^([^=\s#;][^=]*?)\s*=/;

/**
 * Sets `entries` in the section `[header]` (e.g. "profile dev"): existing keys are replaced in place,
 * new ones are added after the section's last key; a missing section is appended at the end.
 */
export function setSection(text: string, header: string, entries: [string, string][]): string {
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text === '' ? [] : text.split(/\r?\n/);
  const trailing = lines.length > 0 && lines[lines.length - 1] === '';
  if (trailing) lines.pop();
  const wanted = header.trim().replace(/\s+/g, ' ');
  const start = lines.findIndex((line) => HEADER.exec(line)?.[1]?.trim().replace(/\s+/g, ' ') === wanted);

  if (start < 0) {
    const block = [`[${wanted}]`, ...entries.map(([k, v]) => `${k} = ${v}`)];
    const separator = lines.length > 0 && lines[lines.length - 1]!.trim() !== '' ? [''] : [];
    return [...lines, ...separator, ...block].join(newline) + newline;
  }

  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    if (HEADER.test(lines[i]!)) {
      end = i;
      break;
    }
  }
  const remaining = new Map(entries);
  let lastKey = start;
  for (let i = start + 1; i < end; i++) {
    const line = lines[i]!;
    if (/^\s/.test(line)) continue; // a nested sub-section value
    const key = KEY.exec(line)?.[1]?.trim();
    if (key === undefined) continue;
    lastKey = i;
    if (remaining.has(key)) {
      lines[i] = `${key} = ${remaining.get(key)}`;
      remaining.delete(key);
    }
  }
  // keep a nested block (indented lines) under its key
  while (lastKey + 1 < end && /^\s+\S/.test(lines[lastKey + 1]!)) lastKey++;
  const added = [...remaining].map(([k, v]) => `${k} = ${v}`);
  lines.splice(lastKey + 1, 0, ...added);
  return lines.join(newline) + (trailing ? newline : '');
}
