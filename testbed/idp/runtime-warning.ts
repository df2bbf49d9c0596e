// oidc-provider warns, when it is loaded, that any Node.js older than 22 is unsupported. The testbed
// runs on Node 20 (engines.node >= 20) and its tests pass there, so that one line is dropped rather
// than printed in red in the demo and every test log. Imported before oidc-provider.
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime')) return;
  warn(...args);
};
