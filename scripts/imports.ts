// The import graph of src/ and the layers it must respect. Each file belongs to one layer; a file
// may import files of its own layer or of a lower one, never of a higher one, and no files import
// each other (directly or around a loop), type-only imports included: a type is a dependency too.
// test/hardening/layers.test.ts fails on a cycle or an upward import; this script prints the
// figures: `node --import tsx scripts/imports.ts [--json]`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const SRC = new URL('../src/', import.meta.url).pathname;

/**
 * Lowest first. A path names a file or a directory (with its subdirectories) under src/. See
 * docs/architecture.md ("Layers") for what each holds.
 */
export const LAYERS: ReadonlyArray<{ name: string; paths: readonly string[] }> = [
  { name: 'platform', paths: ['errors.ts', 'platform/'] },
  { name: 'config', paths: ['config/'] },
  { name: 'plan', paths: ['plan/'] },
  { name: 'idp/sts/store', paths: ['idp/', 'sts/', 'store/'] },
  { name: 'output/server/fastpath', paths: ['output/', 'server/', 'fastpath/'] },
  { name: 'credentials', paths: ['credentials/'] },
  { name: 'app', paths: ['app/'] },
  { name: 'cli', paths: ['cli/'] },
  { name: 'main/bin', paths: ['main.ts', 'bin.ts', 'sea-main.ts'] },
];

export type ImportKind = 'static' | 'dynamic' | 'type';

export interface Edge {
  from: string;
  to: string;
  kind: ImportKind;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

function importsOf(path: string): Array<{ specifier: string; kind: ImportKind }> {
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: Array<{ specifier: string; kind: ImportKind }> = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      let typeOnly = false;
      if (ts.isImportDeclaration(node)) {
        const clause = node.importClause;
        const named = clause?.namedBindings;
        typeOnly =
          clause !== undefined &&
          (clause.isTypeOnly || (!clause.name && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)));
      } else typeOnly = node.isTypeOnly;
      found.push({ specifier: node.moduleSpecifier.text, kind: typeOnly ? 'type' : 'static' });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [first] = node.arguments;
      if (first && ts.isStringLiteral(first)) found.push({ specifier: first.text, kind: 'dynamic' });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, kind: 'type' });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Every import of one src/ file by another (paths relative to src/). */
export function importGraph(src = SRC): Edge[] {
  const edges: Edge[] = [];
  for (const path of sourceFiles(src)) {
    for (const { specifier, kind } of importsOf(path)) {
      if (!specifier.startsWith('.')) continue;
      const base = resolve(dirname(path), specifier);
      const target = [`${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p));
      // ./main.cjs: bin.ts loads the bundle built from main.ts
      if (!target) continue;
      edges.push({ from: relative(src, path), to: relative(src, target), kind });
    }
  }
  return edges;
}

export function layerOf(file: string): number {
  const index = LAYERS.findIndex((layer) => layer.paths.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p)));
  if (index < 0) throw new Error(`src/${file} is in no layer: add its directory to LAYERS in scripts/imports.ts`);
  return index;
}

/** Imports from a file of a lower layer to one of a higher layer. */
export function upwardImports(edges: readonly Edge[]): Edge[] {
  return edges.filter((e) => layerOf(e.from) < layerOf(e.to));
}

/** Groups of files that import each other, directly or around a loop (strongly connected components). */
export function importCycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || (next.get(v) ?? []).includes(v)) cycles.push(group.sort());
    }
  };
  for (const v of [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort()) if (!index.has(v)) connect(v);
  return cycles;
}

/**
 * The walk of a CredentialRequest: the files that run when credentials are resolved, i.e. those
 * reached from `entry` through imports that execute (static and dynamic, not type-only), and how
 * often that walk climbs back: an import in it that runs from a lower layer to a higher one, or
 * that goes back to a file it came from (both files in one cycle).
 */
export function credentialWalk(edges: readonly Edge[], entry: string): { files: string[]; climbs: Edge[] } {
  const runtime = edges.filter((e) => e.kind !== 'type');
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const e of runtime) if (e.from === file) todo.push(e.to);
  }
  const cycleOf = new Map(importCycles(edges).flatMap((group, i) => group.map((f) => [f, i] as const)));
  const climbs = runtime.filter(
    (e) => seen.has(e.from) && (layerOf(e.from) < layerOf(e.to) || (cycleOf.has(e.from) && cycleOf.get(e.from) === cycleOf.get(e.to))),
  );
  return { files: [...seen].sort(), climbs };
}

/** Where a CredentialRequest enters the credential core. */
export const CREDENTIAL_ENTRY = 'credentials/resolve.ts';

if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const edges = importGraph();
  const cycles = importCycles(edges);
  const upward = upwardImports(edges);
  const entry = CREDENTIAL_ENTRY;
  const walk = credentialWalk(edges, entry);
  const figures = {
    files: new Set(edges.flatMap((e) => [e.from, e.to])).size,
    imports: edges.length,
    cycles: cycles.length,
    upward: upward.length,
    walk: { entry, files: walk.files.length, climbs: walk.climbs.length },
  };
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({ ...figures, cycleFiles: cycles, upwardImports: upward, walkClimbs: walk.climbs }, null, 2));
  } else {
    console.log(`${figures.files} files, ${figures.imports} imports`);
    console.log(`import cycles: ${cycles.length}`);
    for (const c of cycles) console.log(`  ${c.join(' <-> ')}`);
    console.log(`upward imports: ${upward.length}`);
    for (const e of upward) console.log(`  ${e.from} -> ${e.to} (${e.kind}; ${LAYERS[layerOf(e.from)]!.name} -> ${LAYERS[layerOf(e.to)]!.name})`);
    console.log(`CredentialRequest walk from ${entry}: ${walk.files.length} files, ${walk.climbs.length} climbs`);
    for (const e of walk.climbs) console.log(`  ${e.from} -> ${e.to}`);
  }
}
