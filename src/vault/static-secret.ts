import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { vsoDuration } from './connection';
import { VaultSyncedSecretProps } from './destination';
import { checkKvSecretPath, IVaultKvMount, kvDataPath, VaultKvVersion } from './kv-mount';
import { VaultCapability } from './policy';
import { VaultSyncedSecretBase } from './synced-secret';
import { VaultAccess } from './use';
import { validationError } from '../core/errors';

/**
 * Props for `VaultStaticSecret`.
 */
export interface VaultStaticSecretProps extends VaultSyncedSecretProps {
  /** The KV mount holding the secret. */
  readonly mount: IVaultKvMount;
  /** The secret's path inside the mount (`postgres/config`, without `data/`). */
  readonly path: string;
  /**
   * The KV version. Must match the mount's.
   * @default - the mount's version
   */
  readonly type?: VaultKvVersion;
  /**
   * A pinned version of a kv-v2 secret.
   * @default - the latest version
   */
  readonly version?: number;
  /**
   * How often VSO reads the secret again (a positive whole number of seconds; written with a single unit,
   * as the CRD requires).
   * @default - read once; no periodic refresh
   */
  readonly refreshAfter?: Duration;
  /**
   * Store an HMAC of the data in VSO's status, to detect drift.
   * @default true
   */
  readonly hmacSecretData?: boolean;
}

/**
 * A VSO `VaultStaticSecret` (secrets.hashicorp.com/v1beta1): syncs a KV secret into a Kubernetes Secret.
 * Its read (`read` on `<mount>/data/<path>` for kv-v2, `<mount>/<path>` for kv-v1) is added to the policy
 * of the VaultAuth's role, and the VaultAuth's ServiceAccount is bound to that role.
 * @see https://developer.hashicorp.com/vault/docs/platform/k8s/vso/api-reference#vaultstaticsecret
 */
export class VaultStaticSecret extends VaultSyncedSecretBase {
  /** The KV mount. */
  public readonly mount: IVaultKvMount;
  /** The secret's path inside the mount. */
  public readonly path: string;

  public constructor(scope: Construct, id: string, props: VaultStaticSecretProps) {
    super(scope, id, 'VaultStaticSecret', props, undefined, (self) => {
      const type = props.type ?? props.mount.version;
      if (type !== props.mount.version) {
        throw validationError(self, {
          code: 'CS-VAULT-052',
          prop: 'type',
          value: type,
          problem: `does not match mount "${props.mount.mountPath}", which is ${props.mount.version}`,
          fix: `set type to ${props.mount.version === VaultKvVersion.V2 ? 'VaultKvVersion.V2' : 'VaultKvVersion.V1'}, or leave it unset to follow the mount`,
        });
      }
      checkKvSecretPath(self, 'path', props.mount, props.path);
      if (props.version !== undefined && (type !== VaultKvVersion.V2 || !Number.isInteger(props.version) || props.version < 0)) {
        throw validationError(self, {
          code: 'CS-VAULT-053',
          prop: 'version',
          value: props.version,
          problem: type !== VaultKvVersion.V2 ? 'pins a version, but kv-v1 secrets are not versioned' : 'must be a whole number, at least 0',
          fix: type !== VaultKvVersion.V2 ? 'remove version' : 'use a version number from `vault kv metadata get`',
        });
      }
      const refreshAfter = vsoDuration(self, 'refreshAfter', props.refreshAfter);
      return {
        type,
        mount: props.mount.mountPath,
        path: props.path,
        version: props.version,
        refreshAfter,
        hmacSecretData: props.hmacSecretData ?? true,
      };
    });
    this.mount = props.mount;
    this.path = props.path;
  }

  /** @internal */
  protected _access(): VaultAccess[] {
    return [{ path: kvDataPath(this.mount, this.path), capabilities: [VaultCapability.READ] }];
  }
}
