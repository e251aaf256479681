// Two ways to avoid scanning the whole construct tree once per construct (which makes synth quadratic in
// the size of the program). Internal: nothing here is exported from the package.
//
// 1. Per-tree registries, filled as constructs are created. A construct's root never changes after it is
//    created and the tree only grows, so a registry keyed by the root is always complete: a lookup is a
//    map access instead of `root.node.findAll()`.
// 2. A synth cache: while a synth renders (validation of one construct, writing the artifacts), values derived
//    from the whole tree are computed once and shared; outside a synth nothing is cached, so a program that
//    adds constructs between two calls always sees them.
import { IConstruct } from 'constructs';

// Shared by every copy of this library loaded in the process (like the Symbol.for type checks).
const REGISTRIES: WeakMap<IConstruct, Map<symbol, IConstruct[]>> = (globalThis as any)[Symbol.for('cdk8s-secrets.treeRegistries')]
  ??= new WeakMap<IConstruct, Map<symbol, IConstruct[]>>();

/** Records `c` under `kind` in its tree's registry. Call it from the constructor. @internal */
export function registerInTree(c: IConstruct, kind: symbol): void {
  const root = c.node.root;
  let byKind = REGISTRIES.get(root);
  if (!byKind) {
    byKind = new Map();
    REGISTRIES.set(root, byKind);
  }
  const list = byKind.get(kind);
  if (list) list.push(c);
  else byKind.set(kind, [c]);
}

/** The constructs registered under `kind` in the tree of `scope`, in creation order (a copy). @internal */
export function registeredInTree<T extends IConstruct>(scope: IConstruct, kind: symbol): T[] {
  return [...(REGISTRIES.get(scope.node.root)?.get(kind) ?? [])] as T[];
}

let cache: Map<IConstruct, Map<string, unknown>> | undefined;

/**
 * Runs `fn` with the synth cache open (nested calls share the outermost cache). Open it around work that
 * reads the tree without changing it.
 * @internal
 */
export function withSynthCache<T>(fn: () => T): T {
  if (cache) return fn();
  cache = new Map();
  try {
    return fn();
  } finally {
    cache = undefined;
  }
}

/** `compute()`, memoized per (tree root, key) while the synth cache is open. @internal */
export function cachedInSynth<T>(scope: IConstruct, key: string, compute: () => T): T {
  if (!cache) return compute();
  const root = scope.node.root;
  let m = cache.get(root);
  if (!m) {
    m = new Map();
    cache.set(root, m);
  }
  if (m.has(key)) return m.get(key) as T;
  const value = compute();
  m.set(key, value);
  return value;
}

/** Every construct of the tree of `scope` (`root.node.findAll()`), once per synth cache. @internal */
export function allInTree(scope: IConstruct): IConstruct[] {
  return cachedInSynth(scope, 'core.findAll', () => scope.node.root.node.findAll());
}
