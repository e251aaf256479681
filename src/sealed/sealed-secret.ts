import * as crypto from 'crypto';
import { ApiObject, Lazy } from 'cdk8s';
import type * as kplus from 'cdk8s-plus-28';
import { Construct, IConstruct } from 'constructs';
import { SealingCertificate } from './certificate';
import {
  couldHold, encryptionLabel, previousHolds, ResealContext, resealStepsV1, resealStepsV2,
  RESEAL_V1_SCRYPT, RESEAL_V2_SCRYPT, SealingKey, SESSION_KEY_BYTES,
} from './crypto';
import { Resealing } from './resealing';
import { SealedValue } from './value';
import { validationError } from '../core/errors';
import { lazy } from '../core/lazy';
import { IProducedSecret, RolloutRestartTarget, SecretProducerKind } from '../core/produced-secret';
import { claimSecretName } from '../core/secret-registry';
import { checkDnsLabel, checkDnsSubdomain, checkSecretKey, requireConcrete, resolveNamespace } from '../core/validate';
import { SecretReadGrant } from '../workloads/secret-read-grant';


/**
 * Who may unseal a SealedSecret: what its encryption is bound to.
 * @see https://github.com/bitnami-labs/sealed-secrets#scopes
 */
export enum SealingScope {
  /** Bound to the exact name and namespace (OAEP label `<namespace>/<name>`). The secure default. */
  STRICT = 'strict',
  /**
   * Bound to the namespace only (label `<namespace>`): the SealedSecret may be renamed within it.
   * Adds `sealedsecrets.bitnami.com/namespace-wide: "true"`.
   */
  NAMESPACE_WIDE = 'namespace-wide',
  /**
   * Not bound (empty label): the SealedSecret may be renamed and moved to any namespace, so anyone who can
   * create a SealedSecret anywhere in the cluster can unseal it into their namespace.
   * Adds `sealedsecrets.bitnami.com/cluster-wide: "true"`.
   */
  CLUSTER_WIDE = 'cluster-wide',
}

const SEALED_SECRET_SYMBOL = Symbol.for('cdk8s-secrets.SealedSecret');

// The SealedSecrets of each construct tree that have values not sealed yet (keyed by the tree's root), so that
// the first one sealed at synth seals the whole tree's values in one batch (see `sealBatch`).
const PENDING = new WeakMap<IConstruct, Set<SealedSecret>>();
// Values added per construct tree: from PREPARE_HELPERS_AT_VALUES on, the helper threads start while the tree is built.
const ADDED = new WeakMap<IConstruct, number>();
/** Values pending in one tree from which starting the helper threads early pays off (about 40 ms of sealing). */
const PREPARE_HELPERS_AT_VALUES = 512;

/** The annotation prefix of Sealed Secrets. */
const ANNOTATION_PREFIX = 'sealedsecrets.bitnami.com/';
const SCOPE_ANNOTATIONS: { [scope: string]: string } = {
  [SealingScope.NAMESPACE_WIDE]: `${ANNOTATION_PREFIX}namespace-wide`,
  [SealingScope.CLUSTER_WIDE]: `${ANNOTATION_PREFIX}cluster-wide`,
};

/**
 * Data keys the API server requires for the built-in Secret types (k8s.io/kubernetes
 * pkg/apis/core/validation ValidateSecret): the controller could not create the Secret without them.
 * `oneOf`: at least one of the keys.
 */
const REQUIRED_KEYS: { [type: string]: { allOf?: string[]; oneOf?: string[] } } = {
  'kubernetes.io/tls': { allOf: ['tls.crt', 'tls.key'] },
  'kubernetes.io/basic-auth': { oneOf: ['username', 'password'] },
  'kubernetes.io/ssh-auth': { allOf: ['ssh-privatekey'] },
  'kubernetes.io/dockerconfigjson': { allOf: ['.dockerconfigjson'] },
  'kubernetes.io/dockercfg': { allOf: ['.dockercfg'] },
};

/**
 * Props for `SealedSecret`.
 */
export interface SealedSecretProps {
  /**
   * The Sealed Secrets controller's certificate that values are sealed with.
   */
  readonly certificate: SealingCertificate;

  /**
   * The values to seal, by Secret data key. More can be added with `SealedSecret.addValue`.
   * @default - no values yet
   */
  readonly values?: { [key: string]: SealedValue };

  /**
   * The name of the SealedSecret and of the Secret the controller creates. In strict scope the
   * ciphertext is bound to it.
   * @default - a name generated from the construct path
   */
  readonly name?: string;

  /**
   * The namespace of the SealedSecret and of the Secret. In strict and namespace-wide scope the
   * ciphertext is bound to it.
   * @default - the chart's namespace; synth fails when neither is set
   */
  readonly namespace?: string;

  /**
   * Who may unseal the values.
   * @default SealingScope.STRICT
   */
  readonly sealingScope?: SealingScope;

  /**
   * The type of the Secret the controller creates.
   * @default 'Opaque'
   */
  readonly type?: string;

  /**
   * Labels of the Secret the controller creates (`spec.template.metadata.labels`).
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * Annotations of the Secret the controller creates (`spec.template.metadata.annotations`). The scope
   * annotation is added for you.
   * @default - only the scope annotation, if any
   */
  readonly annotations?: { [key: string]: string };

  /**
   * Make the Secret the controller creates immutable (`spec.template.immutable`).
   * @default - not set (the Secret is mutable)
   */
  readonly immutable?: boolean;

  /**
   * Labels of the SealedSecret object itself.
   * @default - none
   */
  readonly sealedSecretLabels?: { [key: string]: string };

  /**
   * Annotations of the SealedSecret object itself (for example Argo CD sync options). The scope
   * annotation is added for you.
   * @default - only the scope annotation, if any
   */
  readonly sealedSecretAnnotations?: { [key: string]: string };

  /**
   * Keep unchanged values' ciphertext across synths (see `Resealing`).
   * @default - every synth seals every value afresh with a random session key
   */
  readonly resealing?: Resealing;

  /**
   * The previous `spec.encryptedData` of this SealedSecret, as candidates to keep (used before the
   * candidates found through `resealing.previousOutput`). Only used with `resealing`.
   * @default - only the candidates from `resealing.previousOutput`
   */
  readonly previousEncryptedData?: { [key: string]: string };
}

/**
 * A SealedSecret (`bitnami.com/v1alpha1`) whose values are sealed at synth time, in TypeScript, exactly as
 * `kubeseal` seals them: no kubeseal binary, no cluster access. The controller unseals it into a Secret of
 * the same name and namespace.
 *
 * ```ts
 * new SealedSecret(chart, 'Postgres', {
 *   name: 'ss-postgres-secret',
 *   namespace: 'secrets-demo',
 *   certificate: SealingCertificate.fromPemFile('sealed-secrets-cert.pem'),
 *   values: {
 *     username: SealedValue.fromEnvironmentVariable('PG_USER'),
 *     password: SealedValue.fromFile('secrets/pg-password'),
 *   },
 * });
 * ```
 */
export class SealedSecret extends Construct implements IProducedSecret {
  /** Whether a construct is a SealedSecret (works across copies of this library). */
  public static isSealedSecret(x: any): x is SealedSecret {
    return x !== null && typeof x === 'object' && SEALED_SECRET_SYMBOL in x;
  }

  /** The Secret's name (and the SealedSecret's). */
  public readonly secretName: string;
  /** The Secret's namespace (and the SealedSecret's). */
  public readonly secretNamespace: string;
  /** Always `SecretProducerKind.SEALED_SECRETS`. */
  public readonly producerKind: SecretProducerKind = SecretProducerKind.SEALED_SECRETS;
  /** The scope the values are sealed for. */
  public readonly sealingScope: SealingScope;
  /** The OAEP label the values are sealed with (`<ns>/<name>`, `<ns>` or empty). */
  public readonly encryptionLabel: string;

  /** The generated L1 object. */
  public readonly apiObject: ApiObject;

  private readonly key: SealingKey;
  private readonly resealing?: Resealing;
  private readonly previousEncryptedData: { [key: string]: string };
  private readonly encrypted: { [key: string]: string } = {};
  /** Values added but not sealed yet: read and sealed at synth (or on first use of the ciphertext). */
  private readonly pending = new Map<string, SealedValue>();
  private readonly kept = new Set<string>();

  public constructor(scope: Construct, id: string, props: SealedSecretProps) {
    super(scope, id);
    Object.defineProperty(this, SEALED_SECRET_SYMBOL, { value: true });
    this.sealingScope = props.sealingScope ?? SealingScope.STRICT;
    if (!Object.values(SealingScope).includes(this.sealingScope)) {
      throw validationError(this, {
        code: 'CS-SEALED-016',
        prop: 'sealingScope',
        value: this.sealingScope,
        problem: 'must be a SealingScope',
        fix: 'use SealingScope.STRICT, SealingScope.NAMESPACE_WIDE or SealingScope.CLUSTER_WIDE',
      });
    }

    const namespace = resolveNamespace(this, 'namespace', props.namespace, 'the ciphertext is bound to the namespace');
    this.secretNamespace = checkDnsLabel(this, 'namespace',
      requireConcrete(this, 'namespace', namespace, 'use a literal namespace: it is sealed into the ciphertext at synth'));
    if (props.name !== undefined) {
      checkDnsSubdomain(this, 'name', requireConcrete(this, 'name', props.name, 'use a literal name: it is sealed into the ciphertext at synth'));
    }

    const scopeAnnotation = SCOPE_ANNOTATIONS[this.sealingScope];
    const ownAnnotations = this.withScopeAnnotation('sealedSecretAnnotations', props.sealedSecretAnnotations, scopeAnnotation);
    const templateAnnotations = this.withScopeAnnotation('annotations', props.annotations, scopeAnnotation);
    const type = props.type ?? 'Opaque';
    if (type.length === 0) {
      throw validationError(this, { code: 'CS-SEALED-017', prop: 'type', value: type, problem: 'must not be empty', fix: 'omit it for "Opaque", or name a Secret type such as "kubernetes.io/basic-auth"' });
    }

    this.apiObject = new lazy.bitnami.SealedSecret(this, 'Resource', {
      metadata: {
        // Only set when given: an explicit `name: undefined` would hide the generated name.
        ...(props.name !== undefined ? { name: props.name } : {}),
        namespace: this.secretNamespace,
        labels: props.sealedSecretLabels ? { ...props.sealedSecretLabels } : undefined,
        annotations: ownAnnotations,
      },
      spec: {
        encryptedData: Lazy.any({ produce: () => this.encryptedData }) as any,
        template: {
          metadata: {
            name: Lazy.any({ produce: () => this.apiObject.name }) as any,
            namespace: this.secretNamespace,
            labels: props.labels ? { ...props.labels } : undefined,
            annotations: templateAnnotations,
          },
          type,
          immutable: props.immutable,
        },
      },
    });
    this.secretName = this.apiObject.name;
    this.encryptionLabel = encryptionLabel(this.sealingScope, this.secretNamespace, this.secretName);

    if (!SealingCertificate.isSealingCertificate(props.certificate)) {
      throw validationError(this, {
        code: 'CS-SEALED-018',
        prop: 'certificate',
        problem: 'must be a SealingCertificate',
        fix: 'pass `SealingCertificate.fromPemFile` with a file holding the certificate `kubeseal --fetch-cert` prints',
      });
    }
    this.key = props.certificate._use(this);
    this.resealing = props.resealing;
    this.previousEncryptedData = { ...(props.previousEncryptedData ?? {}) };
    for (const [k, v] of Object.entries(props.values ?? {})) {
      this.addValue(k, v);
    }
    this.node.addValidation({ validate: () => this.checkRequiredKeys(type) });
    this.node.addValidation({ validate: () => this.checkHasValues() });
    claimSecretName(this, 'name', this.secretNamespace, this.secretName, 'SealedSecret');
  }

  /**
   * Adds a value under a Secret data key. It is read and sealed at synth (when the manifest is rendered, or when
   * `SealedSecret.encryptedData` of any SealedSecret of the same construct tree is first read: the tree's pending
   * values are sealed in one batch), and the plaintext is not kept: a program run only for its AWS side
   * (`cdk synth`) never reads it.
   */
  public addValue(key: string, value: SealedValue): void {
    checkSecretKey(this, `values.${key}`, key);
    if (Object.prototype.hasOwnProperty.call(this.encrypted, key) || this.pending.has(key)) {
      throw validationError(this, {
        code: 'CS-SEALED-019',
        prop: `values.${key}`,
        value: key,
        problem: 'is given twice',
        fix: 'use each Secret data key once',
      });
    }
    if (!SealedValue.isSealedValue(value)) {
      throw validationError(this, {
        code: 'CS-SEALED-020',
        prop: `values.${key}`,
        problem: 'must be a SealedValue',
        fix: 'use `SealedValue.fromFile`, `SealedValue.fromEnvironmentVariable` or `SealedValue.unsafePlainText`',
      });
    }
    this.pending.set(key, value);
    const root = this.node.root;
    let set = PENDING.get(root);
    if (!set) {
      set = new Set();
      PENDING.set(root, set);
    }
    set.add(this);
    const added = (ADDED.get(root) ?? 0) + 1;
    ADDED.set(root, added);
    if (added === PREPARE_HELPERS_AT_VALUES) lazy.sealingPool.prepareSealingHelpers();
  }

  /**
   * Reads and seals every value added since the last call, together with the pending values of every other
   * SealedSecret of this construct tree: one batch, so the key derivations and RSA-OAEP run on every core
   * (`./pool`). Another SealedSecret whose inputs cannot be read (a missing file, an unset variable or reseal
   * key) is left pending: its own error is raised when it is rendered, naming it.
   */
  private sealPending(): void {
    if (this.pending.size === 0) return;
    const set = PENDING.get(this.node.root) ?? new Set<SealedSecret>([this]);
    const items: SealItem[] = [];
    try {
      for (const ss of [this, ...[...set].filter((x) => x !== this)]) {
        if (ss.pending.size === 0) continue;
        const mine: SealItem[] = [];
        try {
          ss.readPending(mine);
        } catch (e) {
          for (const it of mine) it.plaintext.fill(0);
          if (ss === this) throw e;
          continue;
        }
        items.push(...mine);
      }
      sealBatch(items);
      for (const it of items) {
        it.ss.encrypted[it.key] = it.result!;
        if (it.kept) it.ss.kept.add(it.key);
        it.ss.pending.delete(it.key);
      }
    } finally {
      for (const it of items) it.plaintext.fill(0);
      for (const ss of [...set]) if (ss.pending.size === 0) set.delete(ss);
    }
  }

  /** Reads this SealedSecret's pending plaintexts (in key order) and its re-sealing inputs into `into`. */
  private readPending(into: SealItem[]): void {
    const resealing = this.resealing;
    const macKey = resealing?._macKey(this);
    const previous = resealing?._previous(this, this.secretNamespace, this.secretName) ?? [];
    for (const key of [...this.pending.keys()].sort()) {
      const value = this.pending.get(key)!;
      const plaintext = value._plaintext(this, `values.${key}`);
      into.push({ ss: this, key, plaintext, candidates: [] });
      if (plaintext.length === 0) {
        throw validationError(this, {
          code: 'CS-SEALED-021',
          prop: `values.${key}`,
          value: value.source,
          problem: 'is empty: the controller would unseal an empty value, which no consumer can use',
          fix: 'provide the value (set the variable, fill the file), or leave the key out',
        });
      }
      if (resealing && macKey) {
        const item = into[into.length - 1] as { -readonly [K in keyof SealItem]: SealItem[K] };
        item.resealing = resealing;
        item.macKey = macKey;
        item.context = {
          certificateFingerprint: this.key.fingerprint,
          namespace: this.secretNamespace,
          name: this.secretName,
          scope: this.sealingScope,
          label: this.encryptionLabel,
          dataKey: key,
        };
        item.candidates = [this.previousEncryptedData[key], ...previous.map((d) => d[key])]
          .filter((c): c is string => typeof c === 'string' && couldHold(c, this.key.modulusBytes, plaintext.length));
      }
    }
  }

  /** @internal */
  public get _sealingKey(): SealingKey {
    return this.key;
  }

  /** The Secret data keys (sorted). */
  public get secretKeys(): string[] {
    return [...Object.keys(this.encrypted), ...this.pending.keys()].sort();
  }

  /**
   * The keys whose previous ciphertext was kept by churn-free re-sealing (sorted); empty without
   * `resealing` or on a first synth.
   */
  public get keptKeys(): string[] {
    this.sealPending();
    return [...this.kept].sort();
  }

  /**
   * The sealed values (`spec.encryptedData`), by key: base64 ciphertext, safe to print.
   */
  public get encryptedData(): { [key: string]: string } {
    this.sealPending();
    return sortedCopy(this.encrypted);
  }

  /**
   * Lets subjects read this Secret through the Kubernetes API: a Role with `get` on its name only, bound to the
   * subjects (see `SecretReadGrant`). No pod is changed.
   */
  public grantRead(...subjects: kplus.ISubject[]): SecretReadGrant {
    return SecretReadGrant.grant(this, subjects);
  }

  /**
   * Sealed Secrets cannot restart workloads itself: always false, so consumers use Reloader annotations.
   */
  public addRolloutRestartTarget(_target: RolloutRestartTarget): boolean {
    return false;
  }

  private checkHasValues(): string[] {
    if (this.secretKeys.length > 0) return [];
    return [validationError(this, {
      code: 'CS-SEALED-022',
      prop: 'values',
      value: {},
      problem: 'is empty: the SealedSecret would unseal into a Secret without data',
      fix: 'pass `values`, or call the `addValue` method before synth',
    }).message];
  }

  private checkRequiredKeys(type: string): string[] {
    const rule = REQUIRED_KEYS[type];
    if (!rule) return [];
    const have = new Set(this.secretKeys);
    const missing = (rule.allOf ?? []).filter((k) => !have.has(k));
    const problems: string[] = [];
    if (missing.length > 0) {
      problems.push(validationError(this, {
        code: 'CS-SEALED-023',
        prop: 'values',
        value: [...have].sort(),
        problem: `lacks ${missing.map((k) => `"${k}"`).join(' and ')}, which a Secret of type ${type} must have (the API server would reject the unsealed Secret)`,
        fix: `add ${missing.map((k) => `"${k}"`).join(' and ')} with the \`addValue\` method, or use another type`,
      }).message);
    }
    if (rule.oneOf && !rule.oneOf.some((k) => have.has(k))) {
      problems.push(validationError(this, {
        code: 'CS-SEALED-024',
        prop: 'values',
        value: [...have].sort(),
        problem: `has none of ${rule.oneOf.map((k) => `"${k}"`).join(', ')}, one of which a Secret of type ${type} must have`,
        fix: `add ${rule.oneOf.map((k) => `"${k}"`).join(' or ')} with the \`addValue\` method, or use another type`,
      }).message);
    }
    return problems;
  }

  private withScopeAnnotation(
    prop: string,
    given: { [key: string]: string } | undefined,
    scopeAnnotation: string | undefined,
  ): { [key: string]: string } | undefined {
    const result: { [key: string]: string } = { ...(given ?? {}) };
    for (const [k, v] of Object.entries(SCOPE_ANNOTATIONS)) {
      if (k !== this.sealingScope && v in result) {
        throw validationError(this, {
          code: 'CS-SEALED-025',
          prop: `${prop}.${v}`,
          value: result[v],
          problem: `selects the ${k} scope, but the scope is ${this.sealingScope}`,
          fix: 'remove the annotation and set the sealingScope prop instead (SealingScope)',
        });
      }
    }
    if (scopeAnnotation) {
      if (scopeAnnotation in result && result[scopeAnnotation] !== 'true') {
        throw validationError(this, {
          code: 'CS-SEALED-026',
          prop: `${prop}.${scopeAnnotation}`,
          value: result[scopeAnnotation],
          problem: 'must be "true" for the scope the values are sealed for',
          fix: 'remove the annotation: the sealingScope prop adds it',
        });
      }
      result[scopeAnnotation] = 'true';
    }
    return Object.keys(result).length > 0 ? result : undefined;
  }
}

function sortedCopy(m: { [key: string]: string }): { [key: string]: string } {
  const out: { [key: string]: string } = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k];
  return out;
}

/** One value to seal in a batch. */
interface SealItem {
  readonly ss: SealedSecret;
  readonly key: string;
  readonly plaintext: Buffer;
  /** Previous values that could hold this plaintext (the right size), in order of preference. */
  readonly candidates: string[];
  readonly resealing?: Resealing;
  readonly macKey?: Buffer;
  readonly context?: ResealContext;
  sessionKey?: Buffer;
  result?: string;
  kept?: boolean;
}

const SPKI = new WeakMap<crypto.KeyObject, Buffer>();

/**
 * Seals a batch: derives the session keys (re-sealing: one batch of scrypts, then the v1 check for values
 * not matched by the current derivation), keeps the previous values that still hold their plaintext, and seals
 * the rest (one batch of RSA-OAEP per certificate, then AES-GCM here).
 */
function sealBatch(items: SealItem[]): void {
  try {
    const resealed = items.filter((it) => it.resealing);
    if (resealed.length > 0) {
      const steps = resealed.map((it) => resealStepsV2(it.macKey!, it.context!));
      const stretched = lazy.sealingPool.runBatch({ kind: 'scrypt', ...RESEAL_V2_SCRYPT, outputBytes: 32 }, resealed.map((it, i) => [it.plaintext, steps[i].salt] as const));
      resealed.forEach((it, i) => {
        it.sessionKey = steps[i].finish(stretched[i]);
        stretched[i].fill(0);
        keepMatching(it, it.sessionKey);
      });
      const legacy = resealed.filter((it) => !it.kept && it.candidates.length > 0 && it.resealing!.keepV1Values);
      if (legacy.length > 0) {
        const v1 = legacy.map((it) => resealStepsV1(it.resealing!._key(it.ss), it.context!));
        const stretchedV1 = lazy.sealingPool.runBatch({ kind: 'scrypt', ...RESEAL_V1_SCRYPT, outputBytes: 32 }, legacy.map((it, i) => [it.plaintext, v1[i].salt] as const));
        legacy.forEach((it, i) => {
          const sessionKey = v1[i].finish(stretchedV1[i]);
          stretchedV1[i].fill(0);
          keepMatching(it, sessionKey);
          sessionKey.fill(0);
        });
      }
    }
    const fresh = items.filter((it) => !it.resealing);
    if (fresh.length > 0) {
      const random = crypto.randomBytes(SESSION_KEY_BYTES * fresh.length);
      fresh.forEach((it, i) => { it.sessionKey = Buffer.from(random.subarray(i * SESSION_KEY_BYTES, (i + 1) * SESSION_KEY_BYTES)); });
      random.fill(0);
    }
    // kubeseal's HybridEncrypt (RSA-OAEP, AES-GCM), one batch per certificate.
    const byKey = new Map<crypto.KeyObject, SealItem[]>();
    for (const it of items) {
      if (it.kept) continue;
      const k = it.ss._sealingKey.publicKey;
      const group = byKey.get(k);
      if (group) group.push(it);
      else byKey.set(k, [it]);
    }
    for (const [publicKey, group] of byKey) {
      let spki = SPKI.get(publicKey);
      if (!spki) {
        spki = publicKey.export({ type: 'spki', format: 'der' });
        SPKI.set(publicKey, spki);
      }
      const sealed = lazy.sealingPool.runBatch(
        { kind: 'kubeseal', spki, modulusBytes: group[0].ss._sealingKey.modulusBytes },
        group.map((it) => [it.sessionKey!, Buffer.from(it.ss.encryptionLabel, 'utf8'), it.plaintext]),
        publicKey,
      );
      group.forEach((it, i) => { it.result = sealed[i].toString('base64'); });
    }
  } finally {
    for (const it of items) it.sessionKey?.fill(0);
  }
}

/** Keeps the first candidate that `sessionKey` opens to the item's plaintext. */
function keepMatching(it: SealItem, sessionKey: Buffer): void {
  for (const candidate of it.candidates) {
    if (previousHolds(candidate, it.ss._sealingKey.modulusBytes, sessionKey, it.plaintext)) {
      it.result = candidate;
      it.kept = true;
      return;
    }
  }
}
