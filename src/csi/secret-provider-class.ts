import type * as iam from 'aws-cdk-lib/aws-iam';
import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { AwsCsiObject, AwsCsiObjectType } from './aws-object';
import { CsiSyncedSecret } from './synced-secret';
import { ISecretsManagerEntry } from '../aws/secrets-manager-entry';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { checkDnsLabel, checkDnsSubdomain, checkSecretKey, requireConcrete, resolveNamespace } from '../core/validate';
import { stringifyManifests } from '../core/yaml-writer';
import { partitionOfRegion } from '../identity/bridge';
import { IdentityMode } from '../identity/cluster-identity';
import { IWorkloadIdentity } from '../identity/workload-identity';


/**
 * A SecretProviderClass (`secrets-store.csi.x-k8s.io/v1`) that pods mount through the Secrets Store CSI driver.
 */
export interface ISecretProviderClass extends IConstruct {
  /** The SecretProviderClass's name (the pod volume's `volumeAttributes.secretProviderClass`). */
  readonly secretProviderClassName: string;
  /** The SecretProviderClass's namespace (pods that mount it must run there). */
  readonly secretProviderClassNamespace: string;
  /**
   * The ServiceAccount pods must run as to read the objects (the identity they are granted to).
   * @default - not known: any ServiceAccount the caller granted
   */
  readonly requiredServiceAccountName?: string;
}

/** The type of a Secret synced from a SecretProviderClass. */
export enum SyncedSecretType {
  /** `Opaque`. */
  OPAQUE = 'Opaque',
  /** `kubernetes.io/tls` (keys `tls.crt` and `tls.key`). */
  TLS = 'kubernetes.io/tls',
  /** `kubernetes.io/basic-auth` (key `username`, `password` or both). */
  BASIC_AUTH = 'kubernetes.io/basic-auth',
  /** `kubernetes.io/dockerconfigjson` (key `.dockerconfigjson`). */
  DOCKER_CONFIG_JSON = 'kubernetes.io/dockerconfigjson',
}

/** One key of a synced Secret and the mounted object it is copied from. */
export interface SecretObjectData {
  /** The Secret's key. */
  readonly key: string;
  /** The mounted object's file name (its `objectAlias`, a `jmesPath` alias, or its translated name). */
  readonly objectName: string;
}

/**
 * Options for `AwsSecretProviderClass.addSecretObject` (a `spec.secretObjects[]` entry).
 */
export interface SecretObjectOptions {
  /** The name of the Kubernetes Secret the driver writes. */
  readonly secretName: string;
  /** The Secret's keys and the objects they are copied from. */
  readonly data: SecretObjectData[];
  /**
   * The Secret's type.
   * @default SyncedSecretType.OPAQUE
   */
  readonly type?: SyncedSecretType;
  /**
   * Labels of the synced Secret.
   * @default - none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Annotations of the synced Secret.
   * @default - none
   */
  readonly annotations?: { [key: string]: string };
}

/**
 * Props for `AwsSecretProviderClass`.
 */
export interface AwsSecretProviderClassProps {
  /**
   * The SecretProviderClass's name.
   * @default - generated from the construct path
   */
  readonly name?: string;
  /**
   * The namespace (the pods that mount it run there).
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /** The objects to mount. */
  readonly objects: AwsCsiObject[];
  /**
   * The region to read from (`region` parameter), also used for the IAM ARNs.
   * @default - the node's region at run time; the IAM grants use the region of the grantee's stack
   */
  readonly region?: string;
  /**
   * The account that owns the objects, for the IAM ARNs.
   * @default - the account of the grantee's stack
   */
  readonly account?: string;
  /**
   * The workload identity (IRSA or Pod Identity) of the pods that mount this class. When set, it is granted
   * the reads (`grantRead`), `usePodIdentity` follows its mode, and a `SecretConsumer` refuses to
   * mount the class into a pod that runs as another ServiceAccount.
   * @default - none: call grantRead() and set usePodIdentity yourself
   */
  readonly identity?: IWorkloadIdentity;
  /**
   * Authenticate with EKS Pod Identity (`usePodIdentity: "true"`) instead of IRSA. Must match the identity
   * of the ServiceAccount the pods run as.
   * @default - true when `identity` uses Pod Identity, else false
   */
  readonly usePodIdentity?: boolean;
  /**
   * The character that replaces "/" in object names to form file names (`pathTranslation`); `"False"`
   * keeps "/" (nested files).
   * @default '_'
   */
  readonly pathTranslation?: string;
}

/** The keys the API server requires of a typed Secret (k8s ValidateSecret): all of them, or at least one. */
const REQUIRED_KEYS: { [type: string]: { keys: string[]; all: boolean } | undefined } = {
  [SyncedSecretType.TLS]: { keys: ['tls.crt', 'tls.key'], all: true },
  [SyncedSecretType.BASIC_AUTH]: { keys: ['username', 'password'], all: false },
  [SyncedSecretType.DOCKER_CONFIG_JSON]: { keys: ['.dockerconfigjson'], all: true },
};
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ACCOUNT = /^\d{12}$/;
const SM_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SM_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}$/;
const SSM_NAME = /^[A-Za-z0-9_./-]{1,1011}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;
const FILE_NAME = /^[A-Za-z0-9_.@+=-][A-Za-z0-9_.@+=/-]*$/;

/** @internal */
interface ResolvedObject {
  readonly type: AwsCsiObjectType;
  readonly objectName: string;
  readonly arn?: string;
  readonly name?: string;
  readonly keyArn?: string;
  readonly entry?: ISecretsManagerEntry;
  readonly rendered: { [key: string]: any };
}

/**
 * A SecretProviderClass for the AWS provider of the Secrets Store CSI driver: Secrets Manager secrets and
 * Parameter Store parameters mounted as files, optionally synced to a Kubernetes Secret
 * (`addSecretObject`), with the IAM grants for the pod's identity derived from the objects
 * (`grantRead`).
 *
 * @see https://github.com/aws/secrets-store-csi-driver-provider-aws
 */
export class AwsSecretProviderClass extends Construct implements ISecretProviderClass {
  /** The SecretProviderClass's name. */
  public readonly secretProviderClassName: string;
  /** The SecretProviderClass's namespace. */
  public readonly secretProviderClassNamespace: string;
  /** The ServiceAccount of `identity`, which pods mounting this class must run as. */
  public readonly requiredServiceAccountName?: string;
  /** The generated L1 object. */
  public readonly apiObject: ApiObject;
  /** The file names the pod sees (object aliases, jmesPath aliases, translated names), sorted. */
  public readonly fileNames: string[];
  private readonly objects: ResolvedObject[];
  private readonly region?: string;
  private readonly entryRegions: string[];
  private readonly account?: string;
  private readonly syncs: Array<{ [key: string]: any }> = [];
  private readonly syncedNames = new Set<string>();

  public constructor(scope: Construct, id: string, props: AwsSecretProviderClassProps) {
    super(scope, id);
    const ns = resolveNamespace(this, 'namespace', props.namespace);
    this.secretProviderClassNamespace = checkDnsLabel(this, 'namespace', requireConcrete(this, 'namespace', ns, 'pass the namespace as a literal string'));
    if (props.name !== undefined) checkDnsSubdomain(this, 'name', requireConcrete(this, 'name', props.name, 'pass the name as a literal string'));
    if (props.region !== undefined) {
      requireConcrete(this, 'region', props.region, 'pass the region as a literal string, such as "eu-west-1"');
      if (!REGION.test(props.region)) {
        throw validationError(this, { code: 'CS-CSI-005', prop: 'region', value: props.region, problem: 'is not an AWS region code', fix: 'use a region such as "eu-west-1"' });
      }
    }
    if (props.account !== undefined && !lazy.cdk.Token.isUnresolved(props.account) && !ACCOUNT.test(props.account)) {
      throw validationError(this, { code: 'CS-CSI-006', prop: 'account', value: props.account, problem: 'is not a 12-digit AWS account id', fix: 'use an account id such as "111122223333"' });
    }
    const entryRegions = [...new Set(props.objects.filter((o) => o._entry !== undefined).map((o) => o._entry!.region))].sort();
    this.entryRegions = entryRegions;
    // Derived: objects of Secrets Manager entries that all live in one region are read from that region.
    this.region = props.region ?? (entryRegions.length === 1 ? entryRegions[0] : undefined);
    this.account = props.account;
    const translation = props.pathTranslation ?? '_';
    if (translation !== 'False' && !/^[^/]$/.test(translation)) {
      throw validationError(this, { code: 'CS-CSI-007', prop: 'pathTranslation', value: translation, problem: 'must be one character other than "/", or "False"', fix: 'use "_" (the default), "-" or "False"' });
    }
    if (props.objects.length === 0) {
      throw validationError(this, { code: 'CS-CSI-008', prop: 'objects', value: [], problem: 'is empty', fix: 'list at least one AwsCsiObject' });
    }

    const files = new Map<string, number>();
    const names = new Map<string, number>();
    this.objects = props.objects.map((o, i) => this.resolveObject(o, i, translation, files, names));
    this.fileNames = [...files.keys()].sort();

    const parameters: { [key: string]: string } = {
      objects: stringifyManifests(this.objects.map((o) => o.rendered)),
    };
    if (this.region !== undefined) parameters.region = this.region;
    if (props.pathTranslation !== undefined) parameters.pathTranslation = props.pathTranslation;
    const identity = props.identity;
    let podIdentity = props.usePodIdentity ?? false;
    if (identity !== undefined) {
      const identityPodIdentity = identity.mode === IdentityMode.POD_IDENTITY;
      if (props.usePodIdentity !== undefined && props.usePodIdentity !== identityPodIdentity) {
        throw validationError(this, {
          code: 'CS-CSI-009',
          prop: 'usePodIdentity',
          value: props.usePodIdentity,
          problem: `contradicts the identity's mode (${identity.mode}) of ServiceAccount ${identity.serviceAccountNamespace}/${identity.serviceAccountName}`,
          fix: 'leave usePodIdentity out: it follows the identity',
        });
      }
      if (identity.serviceAccountNamespace !== this.secretProviderClassNamespace) {
        throw validationError(this, {
          code: 'CS-CSI-010',
          prop: 'identity',
          value: `${identity.serviceAccountNamespace}/${identity.serviceAccountName}`,
          problem: `is a ServiceAccount of another namespace than the SecretProviderClass ("${this.secretProviderClassNamespace}"); pods can only run as ServiceAccounts of their namespace`,
          fix: `use a WorkloadIdentity in namespace "${this.secretProviderClassNamespace}"`,
        });
      }
      podIdentity = identityPodIdentity;
      this.requiredServiceAccountName = identity.serviceAccountName;
    }
    if (podIdentity) parameters.usePodIdentity = 'true';

    this.apiObject = new lazy.csi.SecretProviderClass(this, 'Resource', {
      metadata: { ...(props.name !== undefined ? { name: props.name } : {}), namespace: this.secretProviderClassNamespace },
      spec: {
        provider: 'aws',
        parameters,
        secretObjects: Lazy.any({ produce: () => (this.syncs.length > 0 ? this.syncs.map((s) => ({ ...s })) : undefined) }) as any,
      },
    });
    this.secretProviderClassName = this.apiObject.name;
    if (identity !== undefined) this.grantRead(identity);
  }

  /**
   * Syncs mounted objects into a Kubernetes Secret (`spec.secretObjects`). The driver writes the Secret
   * only while a pod mounts this class, and only when the driver is installed with `syncSecret`
   * (`SecretsStoreCsiDriverInstallProps.syncSecret`). A `SecretConsumer` that consumes the
   * returned Secret mounts this class's CSI volume for it.
   */
  public addSecretObject(options: SecretObjectOptions): CsiSyncedSecret {
    checkDnsSubdomain(this, 'secretName', options.secretName);
    if (this.syncedNames.has(options.secretName)) {
      throw validationError(this, { code: 'CS-CSI-011', prop: 'secretName', value: options.secretName, problem: 'is already synced by this SecretProviderClass', fix: 'add each Secret once, with all its keys' });
    }
    if (options.data.length === 0) {
      throw validationError(this, { code: 'CS-CSI-012', prop: 'data', value: [], problem: 'is empty', fix: 'list at least one entry with a `key` and an `objectName`' });
    }
    const keys = new Set<string>();
    options.data.forEach((d, i) => {
      checkSecretKey(this, `data[${i}].key`, d.key);
      if (keys.has(d.key)) {
        throw validationError(this, { code: 'CS-CSI-013', prop: `data[${i}].key`, value: d.key, problem: 'is listed twice', fix: 'list each key once' });
      }
      keys.add(d.key);
      if (!this.fileNames.includes(d.objectName)) {
        throw validationError(this, {
          code: 'CS-CSI-014',
          prop: `data[${i}].objectName`,
          value: d.objectName,
          problem: `is not an object this class mounts (its files: ${this.fileNames.join(', ')})`,
          fix: 'use an objectAlias, a jmesPath objectAlias, or an object\'s translated name',
        });
      }
    });
    const type = options.type ?? SyncedSecretType.OPAQUE;
    const required = REQUIRED_KEYS[type];
    if (required !== undefined && !(required.all ? required.keys.every((k) => keys.has(k)) : required.keys.some((k) => keys.has(k)))) {
      // The API server refuses such a Secret, so the driver could never write it.
      throw validationError(this, {
        code: 'CS-CSI-015',
        prop: 'data',
        value: [...keys].sort(),
        problem: `has no ${required.keys.map((k) => `"${k}"`).join(required.all ? ' and ' : ' or ')} key, which a ${type} Secret must have`,
        fix: `map the objects to the key${required.keys.length > 1 ? 's' : ''} ${required.keys.join(required.all ? ' and ' : ' or ')}, or use SyncedSecretType.OPAQUE`,
      });
    }
    this.syncedNames.add(options.secretName);
    const entry: { [key: string]: any } = {
      secretName: options.secretName,
      type,
      data: options.data.map((d) => ({ objectName: d.objectName, key: d.key })),
    };
    if (options.labels !== undefined) entry.labels = { ...options.labels };
    if (options.annotations !== undefined) entry.annotations = { ...options.annotations };
    this.syncs.push(entry);
    return CsiSyncedSecret._create(this, `SecretObject-${options.secretName}`, {
      secretProviderClass: this,
      secretName: options.secretName,
      keys: [...keys],
    });
  }

  /**
   * Grants the pod's identity what the AWS provider needs to mount the objects, on their exact ARNs:
   * `secretsmanager:GetSecretValue` and `secretsmanager:DescribeSecret` for secrets, `ssm:GetParameters`
   * for parameters, and `kms:Decrypt` on customer-managed keys through the owning service only.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const principal = grantee.grantPrincipal;
    const stack = Construct.isConstruct(principal) ? lazy.cdk.Stack.of(principal) : undefined;
    const region = this.region ?? stack?.region;
    const account = this.account ?? stack?.account;
    if (region === undefined || account === undefined) {
      throw validationError(this, {
        code: 'CS-CSI-016',
        prop: 'region',
        problem: 'and account are unknown: the grantee is not part of a stack',
        fix: 'pass region and account to the SecretProviderClass',
      });
    }
    const partition = lazy.cdk.Token.isUnresolved(region) ? lazy.cdk.Aws.PARTITION : partitionOfRegion(region);
    const arnOf = (o: ResolvedObject): string => {
      if (o.arn !== undefined) return o.arn;
      if (o.type === AwsCsiObjectType.SECRETS_MANAGER) return `arn:${partition}:secretsmanager:${region}:${account}:secret:${o.name}-??????`;
      return `arn:${partition}:ssm:${region}:${account}:parameter/${o.name!.replace(/^\//, '')}`;
    };
    const sorted = (xs: string[]) => [...new Set(xs)].sort();
    const grants: iam.Grant[] = [];
    for (const o of this.objects.filter((x) => x.entry !== undefined)) {
      // The entry knows its ARN pattern, replicas and key (kms:Decrypt under kms:ViaService).
      grants.push(o.entry!.grantGetSecretValue(grantee, region), o.entry!.grantDescribe(grantee, region));
    }
    const sm = this.objects.filter((o) => o.type === AwsCsiObjectType.SECRETS_MANAGER && o.entry === undefined);
    const ssm = this.objects.filter((o) => o.type === AwsCsiObjectType.PARAMETER_STORE);
    if (sm.length > 0) {
      grants.push(lazy.iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'], resourceArns: sorted(sm.map(arnOf)) }));
    }
    if (ssm.length > 0) {
      grants.push(lazy.iam.Grant.addToPrincipal({ grantee, actions: ['ssm:GetParameters'], resourceArns: sorted(ssm.map(arnOf)) }));
    }
    for (const [objs, service] of [[sm, 'secretsmanager'], [ssm, 'ssm']] as Array<[ResolvedObject[], string]>) {
      const keys = sorted(objs.map((o) => o.keyArn).filter((k): k is string => k !== undefined));
      if (keys.length > 0) {
        grants.push(lazy.iam.Grant.addToPrincipal({
          grantee,
          actions: ['kms:Decrypt'],
          resourceArns: keys,
          conditions: { StringEquals: { 'kms:ViaService': `${service}.${region}.amazonaws.com` } },
        }));
      }
    }
    return grants.reduce((a, b) => a.combine(b));
  }

  /** The class reads every object from one region: each entry must be stored or replicated there. */
  private checkEntryRegion(prop: string, entry: ISecretsManagerEntry): void {
    const region = this.region;
    if (region === undefined) {
      // Entries in several regions and no region prop: the provider would read all of them from the node's region.
      throw validationError(this, {
        code: 'CS-CSI-017',
        prop: 'region',
        problem: `is not set, and the Secrets Manager entries of this class live in different regions (${this.entryRegions.join(', ')}); the AWS provider reads every object from one region`,
        fix: 'pass region (a region where every entry is stored or replicated), or split the objects into one SecretProviderClass per region',
      });
    }
    if (lazy.cdk.Token.isUnresolved(region) || entry.readableRegions.includes(region)) return;
    throw validationError(this, {
      code: 'CS-CSI-018',
      prop,
      value: entry.secretName,
      problem: `is a Secrets Manager entry stored in ${entry.readableRegions.join(', ')}, but the SecretProviderClass reads from ${region}; the AWS provider would not find it`,
      fix: `pass region "${entry.region}" to the SecretProviderClass, or add ${region} to the secret's replicaRegions`,
    });
  }

  private resolveObject(o: AwsCsiObject, i: number, translation: string, files: Map<string, number>, names: Map<string, number>): ResolvedObject {
    const prop = `objects[${i}]`;
    const c = o._common;
    let objectName: string;
    let arn: string | undefined;
    let name: string | undefined;
    if (o._entry !== undefined) {
      name = o._entry.secretName;
      objectName = name;
      this.checkEntryRegion(prop, o._entry);
      const known = o._entry.jsonKeys;
      (c.jmesPath ?? []).forEach((j, n) => {
        if (known.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(j.path) && !known.includes(j.path)) {
          throw validationError(this, {
            code: 'CS-CSI-019',
            prop: `${prop}.jmesPath[${n}].path`,
            value: j.path,
            problem: `is not a JSON key of secret "${name}" (its keys: ${[...known].sort().join(', ')})`,
            fix: 'use one of the secret\'s JSON keys',
          });
        }
      });
    } else if (o.objectType === AwsCsiObjectType.SECRETS_MANAGER) {
      if ((o._name === undefined) === (o._arn === undefined)) {
        throw validationError(this, { code: 'CS-CSI-020', prop, problem: 'needs exactly one of secretName and secretArn', fix: 'pass secretName (for example "prod/myapp/database") or secretArn' });
      }
      if (o._arn !== undefined) {
        requireConcrete(this, `${prop}.secretArn`, o._arn, 'pass the ARN as a literal string');
        if (!SM_ARN.test(o._arn)) {
          throw validationError(this, { code: 'CS-CSI-021', prop: `${prop}.secretArn`, value: o._arn, problem: 'is not a complete Secrets Manager secret ARN', fix: 'use the complete ARN, ending in the 6-character suffix, or pass secretName' });
        }
        if (c.objectAlias === undefined) {
          throw validationError(this, { code: 'CS-CSI-022', prop: `${prop}.objectAlias`, problem: 'is required when the object is given by ARN (an ARN is not a usable file name)', fix: 'pass objectAlias, for example "database"' });
        }
        const arnRegion = o._arn.split(':')[3];
        if (this.region !== undefined && !lazy.cdk.Token.isUnresolved(this.region) && arnRegion !== this.region) {
          // The AWS provider refuses the whole class: "ARN region must match region".
          throw validationError(this, {
            code: 'CS-CSI-023',
            prop: `${prop}.secretArn`,
            value: o._arn,
            problem: `is in region ${arnRegion} but the SecretProviderClass reads from ${this.region}; the AWS provider rejects the mount`,
            fix: `use the ARN of the replica in ${this.region}, or a SecretProviderClass with region "${arnRegion}"`,
          });
        }
        arn = o._arn;
        objectName = o._arn;
      } else {
        requireConcrete(this, `${prop}.secretName`, o._name!, 'pass the secret name as a literal string');
        if (!SM_NAME.test(o._name!)) {
          throw validationError(this, { code: 'CS-CSI-024', prop: `${prop}.secretName`, value: o._name, problem: 'is not a valid Secrets Manager secret name', fix: 'use letters, digits and /_+=.@- (at most 512 characters)' });
        }
        name = o._name!;
        objectName = name;
      }
    } else {
      requireConcrete(this, `${prop}.parameterName`, o._name!, 'pass the parameter name as a literal string');
      if (!SSM_NAME.test(o._name!) || (o._name!.includes('/') && !o._name!.startsWith('/'))) {
        throw validationError(this, { code: 'CS-CSI-025', prop: `${prop}.parameterName`, value: o._name, problem: 'is not a valid Parameter Store name', fix: 'use letters, digits and _.-/ ; a hierarchical name starts with "/"' });
      }
      if (o._version !== undefined && o._versionLabel !== undefined) {
        throw validationError(this, {
          code: 'CS-CSI-026',
          prop: `${prop}.versionLabel`,
          value: o._versionLabel,
          problem: 'is set together with version; the AWS provider accepts only one of objectVersion and objectVersionLabel for a parameter',
          fix: 'pass either version or versionLabel',
        });
      }
      name = o._name!;
      objectName = name;
    }
    if (c.encryptionKeyArn !== undefined && !lazy.cdk.Token.isUnresolved(c.encryptionKeyArn) && !KMS_KEY_ARN.test(c.encryptionKeyArn)) {
      throw validationError(this, { code: 'CS-CSI-027', prop: `${prop}.encryptionKeyArn`, value: c.encryptionKeyArn, problem: 'is not a KMS key ARN', fix: 'use arn:aws:kms:<region>:<account>:key/<key-id> (not an alias)' });
    }
    // The provider's file name: the alias (or the object name) with "/" translated, or with leading "/" stripped
    // when translation is off; it applies to objectAlias and jmesPath aliases as well.
    const fileOf = (n: string) => (translation === 'False' ? n.replace(/^\/+/, '') : n.split('/').join(translation));
    const addFile = (p: string, given: string) => {
      const file = fileOf(given);
      if (!FILE_NAME.test(file) || file.split('/').some((s) => s === '..' || s === '.' || s === '')) {
        throw validationError(this, { code: 'CS-CSI-028', prop: p, value: given, problem: 'is not a usable file name', fix: 'use letters, digits and _.-' });
      }
      if (files.has(file)) {
        throw validationError(this, { code: 'CS-CSI-029', prop: p, value: given, problem: `is also the file name of objects[${files.get(file)}]`, fix: 'give each object and jmesPath entry its own objectAlias' });
      }
      files.set(file, i);
    };
    // The provider also refuses a class in which one objectName, objectAlias or jmesPath alias is used twice
    // ("Name already in use"), even by objects whose files differ (the same secret at two version stages).
    const addName = (p: string, n: string) => {
      const other = names.get(n);
      if (other !== undefined) {
        throw validationError(this, {
          code: 'CS-CSI-030',
          prop: p,
          value: n,
          problem: other === i
            ? 'is already the objectName or objectAlias of this same object; the AWS provider rejects the class'
            : `is already used as an objectName or alias by objects[${other}]; the AWS provider rejects the class`,
          fix: 'mount each object once, and give each object and jmesPath entry its own objectAlias',
        });
      }
      names.set(n, i);
    };
    addName(prop, objectName);
    if (c.objectAlias !== undefined) addName(`${prop}.objectAlias`, c.objectAlias);
    addFile(c.objectAlias !== undefined ? `${prop}.objectAlias` : prop, c.objectAlias ?? objectName);
    const rendered: { [key: string]: any } = { objectName, objectType: o.objectType };
    if (c.objectAlias !== undefined) rendered.objectAlias = c.objectAlias;
    if (o._version !== undefined) rendered.objectVersion = o._version;
    if (o._versionLabel !== undefined) rendered.objectVersionLabel = o._versionLabel;
    if (c.jmesPath !== undefined) {
      if (c.jmesPath.length === 0) {
        throw validationError(this, { code: 'CS-CSI-031', prop: `${prop}.jmesPath`, value: [], problem: 'is empty', fix: 'list at least one entry with a `path` and an `objectAlias`, or leave `jmesPath` out' });
      }
      c.jmesPath.forEach((j, n) => {
        if (j.path.trim().length === 0) {
          throw validationError(this, { code: 'CS-CSI-032', prop: `${prop}.jmesPath[${n}].path`, value: j.path, problem: 'is empty', fix: 'use a JMESPath expression such as "username"' });
        }
        addName(`${prop}.jmesPath[${n}].objectAlias`, j.objectAlias);
        addFile(`${prop}.jmesPath[${n}].objectAlias`, j.objectAlias);
      });
      rendered.jmesPath = c.jmesPath.map((j) => ({ path: j.path, objectAlias: j.objectAlias }));
    }
    return { type: o.objectType, objectName, arn, name, keyArn: c.encryptionKeyArn, entry: o._entry, rendered };
  }
}
