import { IConstruct } from 'constructs';
import { checkKvSecretPath, IVaultKvMount, kvDataPath } from './kv-mount';
import { checkPolicyPath } from './policy';

/**
 * The Vault path an Agent Injector secret file reads.
 */
export class VaultSecretPath {
  /** A secret in a KV mount; kv-v2 paths get `data/` inserted (`kv-secrets/data/postgres/config`). */
  public static kv(mount: IVaultKvMount, path: string): VaultSecretPath {
    return new VaultSecretPath(undefined, mount, path);
  }

  /**
   * A full API path, as the annotation takes it (`database/creds/my-role`, `secret/data/app/config`).
   * When it lies in a KV mount the program defines, its form is checked against the mount's version.
   */
  public static fromApiPath(path: string): VaultSecretPath {
    return new VaultSecretPath(path, undefined, undefined);
  }

  private constructor(
    private readonly apiPath: string | undefined,
    private readonly mount: IVaultKvMount | undefined,
    private readonly mountPath: string | undefined,
  ) {}

  /** @internal */
  public _resolve(scope: IConstruct, prop: string): string {
    if (this.mount) {
      checkKvSecretPath(scope, prop, this.mount, this.mountPath!);
      return kvDataPath(this.mount, this.mountPath!);
    }
    return checkPolicyPath(scope, prop, this.apiPath!, false);
  }
}
