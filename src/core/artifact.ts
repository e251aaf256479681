import * as fs from 'fs';
import * as path from 'path';
import { Construct, IConstruct } from 'constructs';
import { validationError } from './errors';
import { withSynthCache } from './tree-cache';

/**
 * Props for `FileArtifact`.
 */
export interface FileArtifactProps {
  /**
   * The file name, relative to the output folder (for example `vault/policies/app.hcl`).
   * Must not leave the output folder.
   */
  readonly fileName: string;
  /** The file's content (rendered at synth time). */
  readonly content: string;
  /**
   * Make the file executable (for scripts).
   * @default false
   */
  readonly executable?: boolean;
  /**
   * Make the file readable by its owner only (mode 0600), for artifacts that carry key material such as an
   * EncryptionConfiguration with static keys.
   * @default false
   */
  readonly ownerOnly?: boolean;
}

const ARTIFACT_SYMBOL = Symbol.for('cdk8s-secrets.FileArtifact');

/**
 * A file that is neither a Kubernetes manifest nor a CloudFormation template (a Vault policy, an
 * EncryptionConfiguration, a setup script). Written beside the manifests by `Artifacts.synth`.
 */
export class FileArtifact extends Construct {
  /** Whether a construct is a FileArtifact (works across copies of this library). */
  public static isFileArtifact(x: any): x is FileArtifact {
    return x !== null && typeof x === 'object' && ARTIFACT_SYMBOL in x;
  }

  /** The file name, relative to the output folder. */
  public readonly fileName: string;
  /** Whether the file is executable. */
  public readonly executable: boolean;
  /** Whether the file is readable by its owner only. */
  public readonly ownerOnly: boolean;
  private readonly produce: () => string;

  public constructor(scope: Construct, id: string, props: FileArtifactProps) {
    super(scope, id);
    Object.defineProperty(this, ARTIFACT_SYMBOL, { value: true });
    const normalized = path.posix.normalize(props.fileName);
    if (props.fileName.length === 0 || path.posix.isAbsolute(normalized) || normalized.startsWith('..') || normalized.includes('\\')) {
      throw validationError(this, {
        code: 'CS-CORE-001',
        prop: 'fileName',
        value: props.fileName,
        problem: 'must be a relative path inside the output folder',
        fix: 'use a relative path such as "vault/policies/app.hcl"',
      });
    }
    this.fileName = normalized;
    this.executable = props.executable ?? false;
    this.ownerOnly = props.ownerOnly ?? false;
    const content = props.content;
    this.produce = () => content;
  }

  /** The file's content. */
  public get content(): string {
    return this.produce();
  }
}

/**
 * Writes the `FileArtifact`s of a construct tree.
 */
export class Artifacts {
  /**
   * Writes every FileArtifact under `root` into `outdir` and returns the written paths (sorted).
   * Nothing is written when two artifacts claim the same file name.
   */
  public static synth(root: IConstruct, outdir: string): string[] {
    const artifacts = root.node.findAll().filter(FileArtifact.isFileArtifact);
    const byName = new Map<string, FileArtifact>();
    for (const a of artifacts) {
      const other = byName.get(a.fileName);
      if (other) {
        throw validationError(a, {
          code: 'CS-CORE-002',
          prop: 'fileName',
          value: a.fileName,
          problem: `is also written by ${other.node.path}`,
          fix: 'give each artifact its own file name',
        });
      }
      byName.set(a.fileName, a);
    }
    // Render everything first so that a failing artifact leaves no partial output. The synth cache lets the
    // artifacts of one construct (a VaultConfiguration's policies and roles) share what they derive from the tree.
    const rendered = withSynthCache(() => [...byName.values()].map((a) => ({ a, content: a.content })));
    const written: string[] = [];
    for (const { a, content } of rendered) {
      const file = path.join(outdir, a.fileName);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const mode = (a.executable ? 0o111 : 0) + (a.ownerOnly ? 0o600 : 0o644);
      fs.writeFileSync(file, content, { mode });
      fs.chmodSync(file, mode);
      written.push(file);
    }
    return written.sort();
  }

  private constructor() {}
}
