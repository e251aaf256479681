import { Construct, IConstruct } from 'constructs';
import { checkVaultName } from './internal';
import { validationError } from '../core/errors';
import { registerInTree } from '../core/tree-cache';

/**
 * The version of a Vault KV secrets engine. The values are the VSO `VaultStaticSecret.spec.type` names.
 * @see https://developer.hashicorp.com/vault/docs/secrets/kv
 */
export enum VaultKvVersion {
  /** KV version 1: unversioned; secrets are read at `<mount>/<path>`. */
  V1 = 'kv-v1',
  /** KV version 2: versioned; secrets are read at `<mount>/data/<path>`, listed at `<mount>/metadata/<path>`. */
  V2 = 'kv-v2',
}

/**
 * A KV secrets engine mount.
 */
export interface IVaultKvMount extends IConstruct {
  /** The mount path (for example `kv-secrets`). */
  readonly mountPath: string;
  /** The KV version of the mount. */
  readonly version: VaultKvVersion;
}

/**
 * Options for `VaultConfiguration.addKvMount`.
 */
export interface VaultKvMountOptions {
  /** The mount path (for example `kv-secrets`). */
  readonly path: string;
  /**
   * The KV version.
   * @default VaultKvVersion.V2
   */
  readonly version?: VaultKvVersion;
}

/**
 * Props for `VaultKvMount`.
 */
export interface VaultKvMountProps extends VaultKvMountOptions {}

/** @internal */
export const KV_MOUNT_SYMBOL = Symbol.for('cdk8s-secrets.VaultKvMount');

/**
 * A KV secrets engine that the generated `vault-config.sh` enables (`vault secrets enable -path=<path> kv-v2`).
 * Create it with `VaultConfiguration.addKvMount()`; use `VaultKvMount.fromMountPath` for a mount
 * that exists already.
 */
export class VaultKvMount extends Construct implements IVaultKvMount {
  /** Whether a construct is a VaultKvMount owned by this program. */
  public static isVaultKvMount(x: any): x is VaultKvMount {
    return x !== null && typeof x === 'object' && KV_MOUNT_SYMBOL in x;
  }

  /** A KV mount that exists in Vault already (not enabled by the generated script). */
  public static fromMountPath(scope: Construct, id: string, mountPath: string, version: VaultKvVersion): IVaultKvMount {
    class Imported extends Construct implements IVaultKvMount {
      public readonly mountPath = mountPath;
      public readonly version = version;
    }
    const imported = new Imported(scope, id);
    checkVaultName(imported, 'mountPath', mountPath, { allowSlash: true });
    return imported;
  }

  /** The mount path. */
  public readonly mountPath: string;
  /** The KV version. */
  public readonly version: VaultKvVersion;

  public constructor(scope: Construct, id: string, props: VaultKvMountProps) {
    super(scope, id);
    Object.defineProperty(this, KV_MOUNT_SYMBOL, { value: true });
    registerInTree(this, KV_MOUNT_SYMBOL);
    this.mountPath = checkVaultName(this, 'path', props.path, { allowSlash: true });
    this.version = props.version ?? VaultKvVersion.V2;
  }
}

/**
 * The API paths a KV read touches. `path` is the secret's path inside the mount (`postgres/config`).
 * @internal
 */
export function kvDataPath(mount: IVaultKvMount, path: string): string {
  return mount.version === VaultKvVersion.V2 ? `${mount.mountPath}/data/${path}` : `${mount.mountPath}/${path}`;
}

/**
 * Checks a secret path inside a KV mount: relative, no leading '/', and for kv-v2 not already prefixed
 * with `data/` or `metadata/` (a common mistake when copying API paths).
 * @internal
 */
export function checkKvSecretPath(scope: IConstruct, prop: string, mount: IVaultKvMount, path: string): string {
  if (!/^[A-Za-z0-9._\-@:=]+(\/[A-Za-z0-9._\-@:=]+)*$/.test(path) || path.split('/').some((s) => s === '.' || s === '..')) {
    throw validationError(scope, {
      code: 'CS-VAULT-043',
      prop,
      value: path,
      problem: 'must be a secret path inside the mount: segments of letters, digits, \'.\', \'_\', \'-\', \'@\', \':\' and \'=\' separated by single \'/\'',
      fix: 'write the path relative to the mount, such as "postgres/config"',
    });
  }
  if (path === mount.mountPath || path.startsWith(`${mount.mountPath}/`)) {
    throw validationError(scope, {
      code: 'CS-VAULT-044',
      prop,
      value: path,
      problem: `starts with the mount path "${mount.mountPath}"; the path is relative to the mount`,
      fix: `drop the "${mount.mountPath}/" prefix`,
    });
  }
  if (mount.version === VaultKvVersion.V2 && /^(data|metadata)\//.test(path)) {
    throw validationError(scope, {
      code: 'CS-VAULT-045',
      prop,
      value: path,
      problem: `starts with "${path.split('/')[0]}/", the kv-v2 API prefix, which is added for you`,
      fix: `write "${path.split('/').slice(1).join('/')}"`,
    });
  }
  return path;
}
