// RoleSessionName from the ID token: STS allows [\w+=,.@-] and 2..64 characters, and the name
// shows up in CloudTrail, so the user's email (or subject) is the most useful choice.

export function sessionNameFromClaims(claims: { sub?: unknown; email?: unknown }): string {
  const raw = typeof claims.email === 'string' && claims.email ? claims.email : typeof claims.sub === 'string' ? claims.sub : '';
  const clean = raw.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return clean.length >= 2 ? clean : `rolecall-${clean}`.slice(0, 64);
}
