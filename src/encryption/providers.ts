import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { EncryptionKey } from './keys';
import { goDuration } from '../core/duration';
import { validationError } from '../core/errors';

/** The version of the KMS plugin API. */
export enum KmsApiVersion {
  /** KMS v1: deprecated since Kubernetes 1.28 and disabled by default from 1.29 (feature gate `KMSv1`). */
  V1 = 'v1',
  /** KMS v2: stable since Kubernetes 1.29. */
  V2 = 'v2',
}

/** Options for `EncryptionProvider.kms`. */
export interface KmsProviderOptions {
  /** The plugin's name, unique in the configuration (it is stored with every encrypted object). */
  readonly name: string;
  /** The plugin's gRPC endpoint: a UNIX socket, for example `unix:///var/run/kmsplugin/socket.sock`. */
  readonly endpoint: string;
  /**
   * How long the API server waits for the plugin.
   * @default Duration.seconds(3)
   */
  readonly timeout?: Duration;
  /**
   * The KMS plugin API version.
   * @default KmsApiVersion.V2
   */
  readonly apiVersion?: KmsApiVersion;
  /**
   * How many data encryption keys to cache in the clear (KMS v1 only; v2 manages its own cache).
   * @default - the API server's default (1000) for v1
   */
  readonly cacheSize?: number;
}

const ProviderType = { SECRETBOX: 'secretbox', AESGCM: 'aesgcm', AESCBC: 'aescbc', KMS: 'kms', IDENTITY: 'identity' } as const;

/**
 * One provider of an EncryptionConfiguration resource rule. Providers are tried in order: the FIRST one
 * encrypts every write, all of them can decrypt. Within a provider, the FIRST key encrypts and the others
 * only decrypt, so a rotation is: add the new key second, roll the API servers, move it first, roll, rewrite
 * all Secrets, then drop the old key.
 *
 * @see https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/
 */
export class EncryptionProvider {
  /** XSalsa20-Poly1305 with 32-byte keys: the recommended local provider. */
  public static secretbox(keys: EncryptionKey[]): EncryptionProvider {
    return new EncryptionProvider(ProviderType.SECRETBOX, keys, undefined);
  }

  /**
   * AES-GCM with a random nonce and 32-byte keys. Rotate the key every 200,000 writes: a nonce collision
   * breaks the encryption.
   */
  public static aesgcm(keys: EncryptionKey[]): EncryptionProvider {
    return new EncryptionProvider(ProviderType.AESGCM, keys, undefined);
  }

  /** AES-CBC with PKCS#7 padding and 32-byte keys. Not recommended (vulnerable to padding oracle attacks). */
  public static aescbc(keys: EncryptionKey[]): EncryptionProvider {
    return new EncryptionProvider(ProviderType.AESCBC, keys, undefined);
  }

  /** Envelope encryption through a KMS plugin: the keys stay in the KMS. */
  public static kms(options: KmsProviderOptions): EncryptionProvider {
    return new EncryptionProvider(ProviderType.KMS, [], options);
  }

  /** No encryption. Allowed only as the last provider, to read data written before encryption was on. */
  public static identity(): EncryptionProvider {
    return new EncryptionProvider(ProviderType.IDENTITY, [], undefined);
  }

  /** The provider's name in the configuration (`secretbox`, `aesgcm`, `aescbc`, `kms`, `identity`). */
  public readonly type: string;

  private constructor(
    /** @internal */ public readonly _type: string,
    private readonly keys: EncryptionKey[],
    private readonly kmsOptions: KmsProviderOptions | undefined,
  ) {
    this.type = _type;
  }

  /** Whether this is the identity (no encryption) provider. @internal */
  public get _isIdentity(): boolean {
    return this._type === ProviderType.IDENTITY;
  }

  /** The KMS plugin name (KMS providers only). @internal */
  public get _kmsName(): string | undefined {
    return this.kmsOptions?.name;
  }

  /** Renders the provider; reads and checks keys. @internal */
  public _render(scope: IConstruct, prop: string): { [key: string]: any } {
    switch (this._type) {
      case ProviderType.IDENTITY:
        return { identity: {} };
      case ProviderType.KMS:
        return { kms: this.renderKms(scope, prop, this.kmsOptions!) };
      default: {
        if (this.keys.length === 0) {
          throw validationError(scope, { code: 'CS-ENC-021', prop: `${prop}.keys`, value: [], problem: `is empty: ${this._type} needs at least one key`, fix: 'pass one EncryptionKey (the first key encrypts)' });
        }
        const names = new Set<string>();
        const keys = this.keys.map((k, i) => {
          const secret = k._resolve(scope, `${prop}.keys[${i}]`);
          if (names.has(k.name)) {
            throw validationError(scope, { code: 'CS-ENC-022', prop: `${prop}.keys[${i}].name`, value: k.name, problem: 'is used by two keys of this provider', fix: 'give each key its own name' });
          }
          names.add(k.name);
          return { name: k.name, secret };
        });
        return { [this._type]: { keys } };
      }
    }
  }

  private renderKms(scope: IConstruct, prop: string, o: KmsProviderOptions): { [key: string]: any } {
    const version = o.apiVersion ?? KmsApiVersion.V2;
    if (!/^[A-Za-z0-9._-]{1,253}$/.test(o.name)) {
      throw validationError(scope, {
        code: 'CS-ENC-023',
        prop: `${prop}.name`,
        value: o.name,
        problem: 'must be 1-253 letters, digits, ".", "_" or "-" (KMS v2 forbids ":")',
        fix: 'use a name such as "aws-encryption-provider"',
      });
    }
    if (!/^unix:\/\/\/?[^\s]+$/.test(o.endpoint)) {
      throw validationError(scope, {
        code: 'CS-ENC-024',
        prop: `${prop}.endpoint`,
        value: o.endpoint,
        problem: 'must be a UNIX socket URL',
        fix: 'use an endpoint such as "unix:///var/run/kmsplugin/socket.sock"',
      });
    }
    const timeout = o.timeout ?? Duration.seconds(3);
    if (timeout.toMilliseconds() <= 0 || timeout.toMilliseconds() % 1000 !== 0) {
      throw validationError(scope, { code: 'CS-ENC-025', prop: `${prop}.timeout`, value: `${timeout.toMilliseconds()}ms`, problem: 'must be a positive whole number of seconds', fix: 'use a timeout such as `Duration.seconds(3)`' });
    }
    const out: { [key: string]: any } = { apiVersion: version, name: o.name, endpoint: o.endpoint };
    if (o.cacheSize !== undefined) {
      if (version !== KmsApiVersion.V1) {
        throw validationError(scope, { code: 'CS-ENC-026', prop: `${prop}.cacheSize`, value: o.cacheSize, problem: 'is only supported by KMS v1 (v2 caches keys itself)', fix: 'remove `cacheSize`, or use `apiVersion` `KmsApiVersion.V1`' });
      }
      if (!Number.isInteger(o.cacheSize) || o.cacheSize === 0) {
        throw validationError(scope, { code: 'CS-ENC-027', prop: `${prop}.cacheSize`, value: o.cacheSize, problem: 'must be a non-zero integer (negative disables the cache)', fix: 'use a size such as 1000' });
      }
      out.cachesize = o.cacheSize;
    }
    out.timeout = goDuration(timeout);
    return out;
  }
}
