import { IConstruct } from 'constructs';
import { constructPath, validationError } from './errors';

/** One producer's claim on a Secret name. */
interface Claim {
  readonly path: string;
  readonly what: string;
}

// One registry per construct tree (keyed by its root, so separate apps and tests never see each other),
// filled as producers are constructed: each claim is one map lookup, never a scan of the tree.
const CLAIMS = new WeakMap<IConstruct, Map<string, Claim>>();

/**
 * Records that `scope` writes the Secret `namespace/name`, and fails at once when another producer of the same
 * construct tree (any chart, any kind: ExternalSecret target, SealedSecret, VSO destination, CSI
 * `secretObjects` entry) writes it already: two writers of one Secret overwrite each other's data.
 *
 * @param scope the producer (its path is named in the error)
 * @param prop the prop that names the Secret (for the error)
 * @param namespace the Secret's namespace (concrete)
 * @param name the Secret's name (concrete)
 * @param what what the producer is, for the other producer's error ("ExternalSecret target", ...)
 * @internal
 */
export function claimSecretName(scope: IConstruct, prop: string, namespace: string, name: string, what: string): void {
  const root = scope.node.root;
  let claims = CLAIMS.get(root);
  if (claims === undefined) {
    claims = new Map();
    CLAIMS.set(root, claims);
  }
  const key = `${namespace}/${name}`;
  const prior = claims.get(key);
  if (prior !== undefined) {
    throw validationError(scope, {
      code: 'CS-CORE-005',
      prop,
      value: key,
      problem: `is also written by ${prior.what} [${prior.path}]; two producers of one Secret overwrite each other's data (the controllers fight, and the last writer wins)`,
      fix: 'give each producer its own Secret name or namespace, or produce all the keys from one of them',
    });
  }
  claims.set(key, { path: constructPath(scope), what });
}
