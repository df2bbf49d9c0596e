// Escapes text for HTML and XML content and attribute values (the pages and SAML Responses).
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
