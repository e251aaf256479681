// Keeps a program with thousands of charts from filling V8's transition table of the empty object. Internal:
// nothing here is exported from the package.
//
// V8 gives a plain object a hidden class per sequence of property names added to it, chained from the hidden
// class of `{}`, and one hidden class holds at most 1,536 transitions. `constructs` keeps each construct's
// children in a plain object created as `{}` and keyed by child id, so every construct whose first child id is
// its own (a chart per namespace whose children are named after the namespace: `Store-team-a`, `Db-team-a`)
// uses one transition of `{}`. Past about 1,500 such charts the table is full, and from then on an object built
// from `{}` with a property name that was not added before the table filled gets a hidden class of its own:
// every ApiObject's serialization (cdk8s builds each object key by key) and every node and context of the YAML
// writer then allocates a hidden class and misses every inline cache. At 5,000 charts that made synth 3.5x
// slower than the same objects in one chart, most of it in the garbage collector.
//
// `compactChildTables` moves the children of those constructs into dictionary-mode objects (same keys, same
// order, so `node.children` and every lookup are unchanged). Their old hidden classes are then unreachable, and
// the next full garbage collection removes their transitions from `{}`'s table. The table is `constructs`'
// internal field (`node._children`, a plain object in constructs 10): a construct whose children are kept in any
// other form is left alone.
import { IConstruct } from 'constructs';

/** The one field of `constructs`' Node this module reads and writes (internal to constructs 10, hence optional). */
interface ConstructsNodeInternals {
  _children?: unknown;
}

function nodeInternals(c: IConstruct): ConstructsNodeInternals {
  return c.node as unknown as ConstructsNodeInternals;
}

/** More distinct first child ids than this, and the constructs with the rarest ones are compacted. */
const DISTINCT_FIRST_IDS = 256;

/**
 * Moves the child tables of the constructs under `roots` whose first child id is rare into dictionary-mode
 * objects, when the trees use more than `DISTINCT_FIRST_IDS` distinct first child ids (fewer cost nothing worth
 * avoiding). Returns how many tables were moved. @internal
 */
export function compactChildTables(roots: IConstruct[]): number {
  const byFirstId = new Map<string, IConstruct[]>();
  const visit = (c: IConstruct): void => {
    const table = childTable(c);
    if (!table) return;
    const first = firstNamedKey(table);
    if (first !== undefined) {
      const group = byFirstId.get(first);
      if (group) group.push(c);
      else byFirstId.set(first, [c]);
    }
    for (const child of Object.values(table)) visit(child);
  };
  roots.forEach(visit);
  if (byFirstId.size <= DISTINCT_FIRST_IDS) return 0;
  // The most shared first ids ("Resource", "Default") stay: each costs one transition, whatever the number of
  // constructs that use it.
  const groups = [...byFirstId.values()].sort((a, b) => b.length - a.length);
  let moved = 0;
  for (const group of groups.slice(DISTINCT_FIRST_IDS / 2)) {
    for (const c of group) {
      const table = childTable(c)!;
      const dictionary = dictionaryObject();
      // Object.keys lists array indices first, then names in insertion order: copying in that order keeps it.
      for (const k of Object.keys(table)) dictionary[k] = table[k];
      nodeInternals(c)._children = dictionary;
      moved++;
    }
  }
  return moved;
}

/** The plain object `constructs` keeps a construct's children in, or undefined when it has another form. */
function childTable(c: IConstruct): Record<string, IConstruct> | undefined {
  const table = nodeInternals(c)._children;
  if (table === null || typeof table !== 'object' || Object.getPrototypeOf(table) !== Object.prototype) return undefined;
  return table as Record<string, IConstruct>;
}

/** The first child id that is a property name (ids like "0" are array indices and use no transition). */
function firstNamedKey(table: Record<string, IConstruct>): string | undefined {
  for (const k of Object.keys(table)) {
    if (!/^(0|[1-9]\d*)$/.test(k) || Number(k) >= 2 ** 32 - 1) return k;
  }
  return undefined;
}

/** An empty object in dictionary mode: deleting a property other than the last one leaves V8's fast mode. */
function dictionaryObject(): Record<string, IConstruct> {
  const o: Record<string, any> = { a: undefined, b: undefined };
  delete o.a;
  delete o.b;
  return o;
}
