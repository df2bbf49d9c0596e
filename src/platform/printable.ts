// Text for humans on a terminal, where control characters are commands: an ESC sequence in a
// provider's error_description, a SAML StatusMessage or a profile name can retitle the window,
// recolour or clear it, move the cursor over what rolecall said, or worse on some terminals.
// Everything rolecall prints for humans goes through `printable`, which shows C0 and C1 control
// characters (all but newline and tab) as visible \xNN escapes instead of sending them.

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
