import { Construct, IConstruct } from 'constructs';
import { compactChildTables } from '../../src/core/child-tables';

/** The object `constructs` keeps a construct's children in. */
const tableOf = (c: IConstruct): object => (c.node as any)._children;

/** A root with `n` children `c<i>`, each with the children `x<i>`, `7` and `y<i>` (a distinct first child id each). */
function tree(n: number) {
  const root = new Construct(undefined as any, '');
  const parents = [...Array(n).keys()].map((i) => {
    const c = new Construct(root, `c${i}`);
    for (const id of [`x${i}`, '7', `y${i}`]) new Construct(c, id);
    return c;
  });
  return { root, parents };
}

const describeTree = (root: IConstruct) => root.node.findAll().map((c) => `${c.node.path}:${c.node.children.map((x) => x.node.id).join(',')}`);

describe('compactChildTables', () => {
  test('GIVEN 256 distinct first child ids or fewer WHEN compacted THEN no table is moved', () => {
    // 255 parents and the root: 256 distinct first ids.
    const { root, parents } = tree(255);
    const before = parents.map(tableOf);
    expect(compactChildTables([root])).toBe(0);
    expect(parents.map(tableOf)).toEqual(before);
    parents.forEach((p, i) => expect(tableOf(p)).toBe(before[i]));
  });

  test('GIVEN more distinct first child ids WHEN compacted THEN all but the 128 most shared are moved, and the tree reads the same', () => {
    const { root, parents } = tree(300);
    // Each parent's first named child id is its own ("7" is an array index: listed first, but no property name).
    const shape = describeTree(root);
    const before = parents.map(tableOf);

    // 301 distinct first ids (the root's "c0" and each parent's "x<i>"), all used once: the first 128 in tree order stay.
    expect(compactChildTables([root])).toBe(301 - 128);
    expect(tableOf(parents[126])).toBe(before[126]);
    expect(tableOf(parents[127])).not.toBe(before[127]);
    expect(tableOf(parents[299])).not.toBe(before[299]);

    // Same children, same order, same lookups; the moved tables keep growing and shrinking like the others.
    expect(describeTree(root)).toEqual(shape);
    expect(parents[299].node.children.map((c) => c.node.id)).toEqual(['7', 'x299', 'y299']);
    expect(parents[299].node.tryFindChild('y299')?.node.path).toBe('c299/y299');
    new Construct(parents[299], 'z');
    expect(parents[299].node.children.map((c) => c.node.id)).toEqual(['7', 'x299', 'y299', 'z']);
    expect(parents[299].node.tryRemoveChild('x299')).toBe(true);
    expect(parents[299].node.children.map((c) => c.node.id)).toEqual(['7', 'y299', 'z']);
    expect(() => new Construct(parents[299], 'y299')).toThrow(/There is already a Construct with name 'y299' in Construct \[c299\]/);
  });

  test('GIVEN many constructs sharing a first child id WHEN compacted THEN they keep their tables', () => {
    const root = new Construct(undefined as any, '');
    const shared = [...Array(200).keys()].map((i) => {
      const c = new Construct(root, `s${i}`);
      new Construct(c, 'Resource');
      return c;
    });
    const own = [...Array(300).keys()].map((i) => {
      const c = new Construct(root, `o${i}`);
      new Construct(c, `own${i}`);
      return c;
    });
    const sharedBefore = shared.map(tableOf);
    // 302 distinct first ids: "s0" (the root), "Resource" (200 constructs) and 300 of their own.
    expect(compactChildTables([root])).toBe(302 - 128);
    shared.forEach((c, i) => expect(tableOf(c)).toBe(sharedBefore[i]));
    expect(own.slice(-1)[0].node.children.map((c) => c.node.id)).toEqual(['own299']);
  });

  test('GIVEN several roots WHEN compacted THEN the first ids are counted over all of them', () => {
    const a = tree(150);
    const b = tree(150);
    // The roots share "c0"; each tree's parents have the same first ids as the other's: 151 distinct in all.
    expect(compactChildTables([a.root, b.root])).toBe(0);
    const c = new Construct(undefined as any, '');
    for (let i = 0; i < 200; i++) new Construct(new Construct(c, `d${i}`), `only${i}`);
    // 151 + "d0" + 200 = 352 distinct. The 128 kept are the most shared, pairs (the roots' "c0", then "x0" to "x126"):
    // 256 tables stay, and the other 23 pairs and the 201 ids used once move.
    expect(compactChildTables([a.root, b.root, c])).toBe(302 + 201 - 2 * 128);
  });
});
