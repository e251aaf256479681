import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { deriveResealMacKey } from './crypto';
import { REDACTED, validationError } from '../core/errors';
import { lazy } from '../core/lazy';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Shortest reseal key accepted: 256 bits. */
const MIN_KEY_BYTES = 32;

// The reseal keys once read, kept outside the instances: a Resealing (and a SealedSecret that holds one) can be
// logged, `util.inspect`ed or `JSON.stringify`d without showing the key.
const KEYS = new WeakMap<Resealing, Buffer>();
// The hardened keys (v2), derived once per Resealing: the derivation is a deliberate scrypt.
const MAC_KEYS = new WeakMap<Resealing, Buffer>();

/**
 * Options for `Resealing`.
 */
export interface ResealingOptions {
  /**
   * The previous synth output, to keep unchanged values from: a manifest file, or a folder whose `*.yaml`
   * and `*.yml` files (recursively) are read. A SealedSecret there with the same name and namespace
   * provides the candidates. A path that does not exist counts as "no previous output" (first synth, a
   * clean checkout), so pointing at your synth output folder (for example `dist/`) just works.
   * @default - no previous output: every value is sealed afresh, in a form the next synth can keep
   */
  readonly previousOutput?: string;

  /**
   * Keep previous values sealed by the first derivation (v1, before sealing at 1,000+ values/s) when they
   * still hold the same plaintext, so an upgrade changes no SealedSecret. Each such value costs its v1
   * check (a 16 MiB scrypt, about 30 ms) at every synth until its plaintext changes. Set it to `false` for one
   * synth to re-seal the v1 values under the current derivation (each of them changes once) and make every
   * later re-synth fast.
   * @default true
   */
  readonly keepV1Values?: boolean;
}

/**
 * Churn-free re-sealing: when a value's plaintext, the certificate, the SealedSecret's name and namespace,
 * the scope and the data key are all unchanged, re-synth keeps the previous ciphertext instead of writing
 * a new random one, so GitOps diffs show only what really changed.
 *
 * How: the AES session key of each value is derived from a secret *reseal key* (which you supply and keep
 * out of the repository, like the plaintexts) and a memory-hard digest of the plaintext; the RSA-OAEP part
 * stays randomized. At re-synth the session key is recomputed and, if it opens the previous value's
 * AES-GCM part to the same plaintext, the previous value is kept. Without the reseal key, the repository
 * and the certificate give no way to test a guessed plaintext. See docs/sealed-secrets.md for the full
 * trade-off (what a leaked reseal key allows).
 */
export class Resealing {
  /**
   * Reads the reseal key from a file (at synth time). The file's bytes are the key, without trailing
   * whitespace; at least 32 bytes. Create one with `openssl rand -base64 48 > .reseal-key` and keep it
   * where your plaintexts are (not in the repository).
   */
  public static fromKeyFile(keyFile: string, options: ResealingOptions = {}): Resealing {
    return new Resealing(`file ${JSON.stringify(keyFile)}`, options, (scope) => {
      try {
        return fs.readFileSync(keyFile);
      } catch (e: any) {
        throw validationError(scope, {
          code: 'CS-SEALED-011',
          prop: 'resealing',
          value: keyFile,
          problem: `is Resealing.fromKeyFile, whose key file cannot be read (${e?.code ?? e?.message ?? e})`,
          fix: 'create it with `openssl rand -base64 48 > <file>`, or correct the path',
        });
      }
    });
  }

  /**
   * Reads the reseal key from an environment variable you name (at synth time); at least 32 bytes.
   */
  public static fromKeyEnvironmentVariable(variableName: string, options: ResealingOptions = {}): Resealing {
    if (typeof variableName !== 'string' || !ENV_NAME.test(variableName)) {
      // Not a name, so perhaps the key itself: never echoed.
      throw validationError('Resealing.fromKeyEnvironmentVariable', {
        code: 'CS-SEALED-012',
        prop: 'variableName',
        value: REDACTED,
        problem: 'must be an environment variable name (letters, digits and "_", not starting with a digit); the value given is not one, and is not shown in case it is the key',
        fix: 'pass the name of the variable, not its value, for example "SEALED_SECRETS_RESEAL_KEY"',
      });
    }
    return new Resealing(`environment variable ${variableName}`, options, (scope) => {
      const value = process.env[variableName];
      if (value === undefined) {
        throw validationError(scope, {
          code: 'CS-SEALED-013',
          prop: 'resealing',
          value: variableName,
          problem: 'is Resealing.fromKeyEnvironmentVariable, whose environment variable is not set',
          fix: `export ${variableName} before synth, or drop resealing to seal every value afresh`,
        });
      }
      return Buffer.from(value, 'utf8');
    });
  }

  /** Where the reseal key comes from (never the key itself). */
  public readonly keySource: string;
  /**
   * The previous synth output that candidates are read from.
   * @default - none
   */
  public readonly previousOutput?: string;
  /** Whether previous values sealed by the v1 derivation are kept (see `ResealingOptions.keepV1Values`). */
  public readonly keepV1Values: boolean;

  private readonly readKey: (scope: IConstruct) => Buffer;
  private index?: Map<string, Array<{ [key: string]: string }>>;

  private constructor(keySource: string, options: ResealingOptions, readKey: (scope: IConstruct) => Buffer) {
    this.keySource = keySource;
    this.previousOutput = options.previousOutput;
    this.keepV1Values = options.keepV1Values ?? true;
    this.readKey = readKey;
  }

  /**
   * The reseal key (read once).
   * @internal
   */
  public _key(scope: IConstruct): Buffer {
    let cached = KEYS.get(this);
    if (!cached) {
      const raw = this.readKey(scope);
      try {
        const key = trimTrailingWhitespace(raw);
        if (key.length < MIN_KEY_BYTES) {
          throw validationError(scope, {
            code: 'CS-SEALED-014',
            prop: 'resealing',
            value: REDACTED,
            problem: `has a reseal key of ${key.length} bytes (from ${this.keySource}); it must be at least ${MIN_KEY_BYTES} bytes`,
            fix: 'generate one with `openssl rand -base64 48`',
          });
        }
        cached = Buffer.from(key);
      } finally {
        raw.fill(0);
      }
      KEYS.set(this, cached);
    }
    return cached;
  }

  /**
   * The hardened reseal key of the current derivation (one scrypt, once).
   * @internal
   */
  public _macKey(scope: IConstruct): Buffer {
    let cached = MAC_KEYS.get(this);
    if (!cached) {
      cached = deriveResealMacKey(this._key(scope));
      MAC_KEYS.set(this, cached);
    }
    return cached;
  }

  /**
   * The `spec.encryptedData` maps of the SealedSecrets named `namespace/name` in the previous output.
   * @internal
   */
  public _previous(scope: IConstruct, namespace: string, name: string): Array<{ [key: string]: string }> {
    if (!this.index) this.index = this.loadIndex(scope);
    return this.index.get(`${namespace}/${name}`) ?? [];
  }

  private loadIndex(scope: IConstruct): Map<string, Array<{ [key: string]: string }>> {
    const index = new Map<string, Array<{ [key: string]: string }>>();
    const root = this.previousOutput;
    if (root === undefined || !fs.existsSync(root)) return index;
    const files = fs.statSync(root).isDirectory() ? yamlFilesUnder(root) : [root];
    const { parseAllDocuments } = lazy.yaml;
    for (const file of files) {
      const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
      for (const doc of docs) {
        if (doc.errors.length > 0) {
          throw validationError(scope, {
            code: 'CS-SEALED-015',
            prop: 'resealing.previousOutput',
            value: file,
            problem: `is not valid YAML (${doc.errors[0].message.split('\n')[0]})`,
            fix: 'point previousOutput at the folder or file your synth writes (for example dist/), or delete the broken file',
          });
        }
        const obj: any = doc.toJSON();
        if (!obj || obj.apiVersion !== 'bitnami.com/v1alpha1' || obj.kind !== 'SealedSecret') continue;
        const ns = obj.metadata?.namespace;
        const nm = obj.metadata?.name;
        const data = obj.spec?.encryptedData;
        if (typeof ns !== 'string' || typeof nm !== 'string' || !data || typeof data !== 'object') continue;
        const k = `${ns}/${nm}`;
        index.set(k, [...(index.get(k) ?? []), { ...data }]);
      }
    }
    return index;
  }
}

function yamlFilesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return yamlFilesUnder(p);
      return e.isFile() && /\.ya?ml$/.test(e.name) ? [p] : [];
    });
}

function trimTrailingWhitespace(b: Buffer): Buffer {
  let end = b.length;
  while (end > 0 && [0x20, 0x09, 0x0a, 0x0d].includes(b[end - 1])) end--;
  return b.subarray(0, end);
}
