import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { vsoDuration } from './connection';
import { IVaultDatabaseRole } from './database';
import { VaultSyncedSecretProps } from './destination';
import { checkVaultName } from './internal';
import { checkPolicyPath, VaultCapability } from './policy';
import { VaultSyncedSecretBase } from './synced-secret';
import { VaultAccess } from './use';
import { validationError } from '../core/errors';

/**
 * The HTTP method VSO uses to request dynamic credentials.
 */
export enum VaultRequestMethod {
  /** GET (a `read`; database and most credential endpoints). */
  GET = 'GET',
  /** POST (a `create` or `update`). */
  POST = 'POST',
  /** PUT (a `create` or `update`). */
  PUT = 'PUT',
}

/**
 * Props for `VaultDynamicSecret`.
 */
export interface VaultDynamicSecretProps extends VaultSyncedSecretProps {
  /**
   * A database role defined in this program (`VaultDatabaseConnection.addRole`): credentials are read from
   * `<mount>/creds/<role>`, and that path alone is added to the reader's policy. Exclusive with `mount` and `path`.
   * @default - `mount` and `path`
   */
  readonly databaseRole?: IVaultDatabaseRole;
  /**
   * The secrets engine mount (for example `aws`), for engines this library does not model. Requires `path`.
   * @default - the database role's mount
   */
  readonly mount?: string;
  /**
   * The credentials path inside the mount (for example `creds/deploy`). Requires `mount`.
   * @default - `creds/<database role>`
   */
  readonly path?: string;
  /**
   * Request parameters (VSO then writes instead of reading).
   * @default - none
   */
  readonly params?: { [key: string]: string };
  /**
   * The HTTP method. VSO ignores it when `params` are set (it then always sends PUT), and so does the
   * derived policy.
   * @default - GET, or PUT when params are set (VSO's behaviour)
   */
  readonly requestMethod?: VaultRequestMethod;
  /**
   * Percentage of the lease duration after which VSO renews (0 to 90).
   * @default 67
   */
  readonly renewalPercent?: number;
  /**
   * Revoke the lease when the object is deleted (adds `update` on `sys/leases/revoke` to the policy).
   * @default false
   */
  readonly revoke?: boolean;
  /**
   * Allow static credentials (database static roles), synced on `refreshAfter`.
   * @default false
   */
  readonly allowStaticCreds?: boolean;
  /**
   * For non-leased credentials: how often to sync (a positive whole number of seconds).
   * @default - follow the lease
   */
  readonly refreshAfter?: Duration;
}

/**
 * A VSO `VaultDynamicSecret` (secrets.hashicorp.com/v1beta1): leased credentials (database, AWS, ...)
 * synced into a Kubernetes Secret and renewed or rotated by the operator. Its request (`read` on
 * `<mount>/<path>`, or `create`/`update` when it writes) is added to the policy of the VaultAuth's role.
 * @see https://developer.hashicorp.com/vault/docs/platform/k8s/vso/api-reference#vaultdynamicsecret
 */
export class VaultDynamicSecret extends VaultSyncedSecretBase {
  /** The mount. */
  public readonly mount: string;
  /** The path inside the mount. */
  public readonly path: string;
  /**
   * The database role the credentials come from.
   * @default - none (`mount` and `path`)
   */
  public readonly databaseRole?: IVaultDatabaseRole;
  private readonly method: VaultRequestMethod;
  private readonly revoke: boolean;

  public constructor(scope: Construct, id: string, props: VaultDynamicSecretProps) {
    super(scope, id, 'VaultDynamicSecret', props, undefined, (self) => {
      const { mount, path } = mountAndPath(self, props);
      checkVaultName(self, 'mount', mount, { allowSlash: true });
      checkPolicyPath(self, 'path', path, false);
      const pct = props.renewalPercent ?? 67;
      if (!Number.isInteger(pct) || pct < 0 || pct > 90) {
        throw validationError(self, { code: 'CS-VAULT-009', prop: 'renewalPercent', value: pct, problem: 'must be a whole number from 0 to 90', fix: 'use 67 (the default) or another percentage up to 90' });
      }
      const refreshAfter = vsoDuration(self, 'refreshAfter', props.refreshAfter);
      return {
        mount,
        path,
        params: props.params ? { ...props.params } : undefined,
        requestHTTPMethod: props.requestMethod,
        renewalPercent: pct,
        revoke: props.revoke ?? false,
        allowStaticCreds: props.allowStaticCreds,
        refreshAfter,
      };
    });
    const { mount, path } = mountAndPath(this, props);
    this.mount = mount;
    this.path = path;
    this.databaseRole = props.databaseRole;
    // With params, VSO disregards requestHTTPMethod and always writes with PUT.
    const hasParams = props.params !== undefined && Object.keys(props.params).length > 0;
    this.method = hasParams ? VaultRequestMethod.PUT : props.requestMethod ?? VaultRequestMethod.GET;
    this.revoke = props.revoke ?? false;
  }

  /** @internal */
  protected _access(): VaultAccess[] {
    const caps = this.method === VaultRequestMethod.GET ? [VaultCapability.READ] : [VaultCapability.CREATE, VaultCapability.UPDATE];
    const access: VaultAccess[] = [{ path: `${this.mount}/${this.path}`, capabilities: caps }];
    if (this.revoke) access.push({ path: 'sys/leases/revoke', capabilities: [VaultCapability.UPDATE] });
    return access;
  }
}

function mountAndPath(scope: Construct, props: VaultDynamicSecretProps): { mount: string; path: string } {
  const role = props.databaseRole;
  if (role) {
    if (props.mount !== undefined || props.path !== undefined) {
      throw validationError(scope, {
        code: 'CS-VAULT-071',
        prop: 'databaseRole',
        value: role.roleName,
        problem: 'and mount/path are both set; the role decides where the credentials are read',
        fix: 'drop mount and path',
      });
    }
    return { mount: role.mountPath, path: `creds/${role.roleName}` };
  }
  if (props.mount === undefined || props.path === undefined) {
    throw validationError(scope, {
      code: 'CS-VAULT-072',
      prop: props.mount === undefined ? 'mount' : 'path',
      problem: 'is required without databaseRole',
      fix: 'bind the secret to a database role (`databaseRole`, from the connection\'s `addRole` method), or give both mount and path',
    });
  }
  return { mount: props.mount, path: props.path };
}
