import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type * as cdk from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ClusterTarget } from './cluster-target';
import { ManifestDeployment } from './cluster-target-options';
import { SecretsAppAccess } from './registry';
import { applyWithCloudFormation, renderTarget, RenderedTarget, suppressionsFor, validateTree } from './render';
import { CheckFinding, CheckSeverity } from '../checks/finding';
import { SecretsChecks } from '../checks/secrets-checks';
import { compactChildTables } from '../core/child-tables';
import { lazy } from '../core/lazy';
import { withSynthCache } from '../core/tree-cache';

/**
 * What `SecretsApp.synth` writes.
 */
export enum SynthMode {
  /**
   * Decided by who runs the program: under the CDK CLI (`cdk synth` / `cdk deploy`, which set `CDK_OUTDIR`) only
   * the cloud assembly; under the cdk8s CLI (`cdk8s synth`, which sets `CDK8S_OUTDIR`) only the manifests and
   * files; otherwise both.
   */
  AUTO = 'auto',
  /** Manifests, files and the cloud assembly. */
  ALL = 'all',
  /**
   * Manifests and files only. The AWS side is not built: workload identities compute their role ARNs without
   * creating roles, grants add nothing, no cloud assembly is synthesized or written, and the posture rules that
   * compare manifests with templates have no templates to compare (run `cdk synth` or `SynthMode.ALL` for those).
   */
  KUBERNETES = 'kubernetes',
  /**
   * The cloud assembly only. Manifests are not rendered (so inputs only they need, such as sealing plaintexts,
   * are not read), except for targets whose manifests CloudFormation applies.
   */
  AWS = 'aws',
}

/**
 * Props for `SecretsApp`.
 */
export interface SecretsAppProps {
  /**
   * The folder for Kubernetes manifests and other files (each target writes into a folder of its own inside).
   * The app owns it: it is replaced as a whole at each synth.
   * @default - `$CDK8S_OUTDIR` when run by the cdk8s CLI, else "dist"
   */
  readonly outdir?: string;
  /**
   * The folder for the cloud assembly (CloudFormation templates).
   * @default - `$CDK_OUTDIR` when run by the CDK CLI, else "cdk.out"
   */
  readonly cloudAssemblyOutdir?: string;
  /**
   * Props for the CDK app the SecretsApp creates (its `outdir` is ignored: see `cloudAssemblyOutdir`).
   * @default - CDK defaults
   */
  readonly awsAppProps?: cdk.AppProps;
  /**
   * What to write.
   * @default SynthMode.AUTO
   */
  readonly mode?: SynthMode;
  /**
   * Also write each stack's CloudFormation template into the output folder as `<stackName>.template.json`,
   * for review beside the manifests.
   * @default false
   */
  readonly templatesInOutdir?: boolean;
  /**
   * Run the posture checks (`SecretsChecks`) as part of synth: error findings fail it, warnings are printed.
   * Suppress single findings with `SecretsSuppressions.add`.
   * @default true
   */
  readonly checks?: boolean;
  /**
   * Print warnings (posture warnings, CDK warnings) to standard error.
   * @default true
   */
  readonly printWarnings?: boolean;
}

/**
 * The result of `SecretsApp.synth`.
 */
export interface SecretsAppSynthResult {
  /** What was written. */
  readonly mode: SynthMode;
  /**
   * The folder the manifests and files were written to.
   * @default - none written (SynthMode.AWS)
   */
  readonly outdir?: string;
  /**
   * The folder the cloud assembly was written to.
   * @default - none written (SynthMode.KUBERNETES)
   */
  readonly cloudAssemblyOutdir?: string;
  /** The files written into `outdir`, relative to it (sorted). */
  readonly files: string[];
  /** The posture findings (warnings and suppressed findings; errors fail synth instead). */
  readonly findings: CheckFinding[];
  /** CDK warnings of the AWS side. */
  readonly warnings: string[];
}

const APP_SYMBOL = Symbol.for('cdk8s-secrets.SecretsApp');
/** Staging folders of the cloud assembly, removed when the process exits (one exit listener for all apps). */
const STAGING_AT_EXIT = new Set<string>();
/** CloudFormation's limits on one template (uploaded through S3) and its outputs. */
const TEMPLATE_MAX_BYTES = 1_000_000;
const OUTPUTS_MAX = 200;

/**
 * One program, both worlds: the CDK app (CloudFormation) and one Kubernetes app per `ClusterTarget`
 * (manifests and files), synthesized together.
 *
 * `SecretsApp.synth` validates everything first (every construct of both worlds, a scan of every object of
 * every chart for unresolved CDK tokens, the file artifacts, the CDK app, the posture checks), writes nothing
 * unless all of it passed, and then writes the manifests, the files and the cloud assembly. The same program runs
 * under `cdk8s synth`, under `cdk synth` / `cdk deploy` and under plain `ts-node`.
 *
 * @example
 * const app = new SecretsApp();
 * const cluster = ClusterTarget.fromIssuerUrl(app, 'prod', { account: '111122223333', region: 'eu-west-1' },
 *   'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE');
 * const chart = cluster.addChart('shop');
 * // ... constructs in the chart ...
 * app.synth();
 */
export class SecretsApp extends Construct {
  /** Whether an object is a SecretsApp (works across copies of this library). */
  public static isSecretsApp(x: any): x is SecretsApp {
    return x !== null && typeof x === 'object' && APP_SYMBOL in x;
  }

  /**
   * The CDK app (every stack of every target).
   *
   * Created on first use (by a target with an AWS environment, by an AWS-side construct, or by a synth that writes
   * the AWS side): a program that only writes manifests never loads aws-cdk-lib's app.
   */
  public get awsApp(): cdk.App {
    if (!this._awsApp) this._awsApp = new lazy.cdk.App({ ...this.props.awsAppProps, outdir: this.stagingAssembly });
    return this._awsApp;
  }
  /** The folder for manifests and files. */
  public readonly outdir: string;
  /** The folder for the cloud assembly. */
  public readonly cloudAssemblyOutdir: string;
  private readonly props: SecretsAppProps;
  private readonly stagingAssembly: string;
  private _awsApp?: cdk.App;

  public constructor(props: SecretsAppProps = {}) {
    super(undefined as any, '');
    Object.defineProperty(this, APP_SYMBOL, { value: true });
    this.props = props;
    this.outdir = props.outdir ?? process.env.CDK8S_OUTDIR ?? 'dist';
    this.cloudAssemblyOutdir = process.env.CDK_OUTDIR ?? props.cloudAssemblyOutdir ?? 'cdk.out';
    // The cloud assembly is synthesized into a staging folder and moved into place only when everything passed.
    this.stagingAssembly = path.join(os.tmpdir(), `cdk8s-secrets-assembly-${process.pid}-${Math.random().toString(36).slice(2)}`);
    SecretsAppAccess.register(this, () => this.awsApp, this.effectiveMode !== SynthMode.KUBERNETES);
  }

  /** The cluster targets of this app, in creation order. */
  public get targets(): ClusterTarget[] {
    return this.node.children.filter((c): c is ClusterTarget => c instanceof ClusterTarget);
  }

  /** What `SecretsApp.synth` will write, with `SynthMode.AUTO` decided from the environment. */
  public get effectiveMode(): SynthMode {
    const mode = this.props.mode ?? SynthMode.AUTO;
    if (mode !== SynthMode.AUTO) return mode;
    if (process.env.CDK_OUTDIR) return SynthMode.AWS;
    if (process.env.CDK8S_OUTDIR) return SynthMode.KUBERNETES;
    return SynthMode.ALL;
  }

  /**
   * Validates both worlds and, when everything passed, writes the manifests, files and cloud assembly.
   * On any error nothing is written and the error lists every problem found.
   */
  public synth(): SecretsAppSynthResult {
    // One derivation cache for the whole synth: validations and file artifacts that derive from the same tree
    // (Vault policies, roles and script) compute it once.
    return withSynthCache(() => this.synthOnce());
  }

  private synthOnce(): SecretsAppSynthResult {
    const mode = this.effectiveMode;
    const print = this.props.printWarnings ?? true;
    const targets = this.targets;
    fs.mkdirSync(this.stagingAssembly, { recursive: true });
    try {
      this.checkLayout(targets);
      // Thousands of charts whose children are named after them fill V8's transition table of `{}`, which makes
      // serializing and writing every object several times slower (see child-tables.ts).
      compactChildTables([this, ...targets.map((t) => t.k8sApp), ...(this._awsApp ? [this._awsApp] : [])]);

      // 1. Every construct of every target's Kubernetes app.
      const errors = targets.flatMap((t) => validateTree(t.k8sApp));
      if (errors.length > 0) throw aggregate('Validation failed', errors);

      // 2. Render the manifests and files in memory (token scan included); nothing is written yet.
      const rendered = new Map<ClusterTarget, RenderedTarget>();
      const renderErrors: string[] = [];
      for (const t of targets) {
        if (mode === SynthMode.AWS && t.deployment !== ManifestDeployment.CLOUDFORMATION) continue;
        const r = renderTarget(t);
        renderErrors.push(...r.errors);
        rendered.set(t, r);
      }
      if (renderErrors.length > 0) throw aggregate('Synth failed', renderErrors);
      for (const [t, r] of rendered) {
        if (t.deployment === ManifestDeployment.CLOUDFORMATION) applyWithCloudFormation(t, r);
      }

      // 3. The AWS side, into the staging folder (not built at all for a Kubernetes-only synth). A target's own stack
      // that holds nothing is left out: CloudFormation refuses a template without resources.
      if (mode !== SynthMode.KUBERNETES) targets.forEach((t) => t._dropEmptyOwnStack());
      const assembly = mode === SynthMode.KUBERNETES ? undefined : this.awsApp.synth({ force: true });
      const warnings: string[] = [];
      const awsErrors: string[] = [];
      const templates = new Map<string, any>();
      for (const stack of assembly?.stacks ?? []) {
        for (const m of stack.messages) {
          const text = `[${m.id}] ${typeof m.entry.data === 'string' ? m.entry.data : JSON.stringify(m.entry.data)}`;
          if (m.level === 'error') awsErrors.push(text);
          else if (m.level === 'warning') warnings.push(text);
        }
        templates.set(stack.stackName, JSON.parse(fs.readFileSync(path.join(assembly!.directory, stack.templateFile), 'utf8')));
      }
      for (const stack of assembly?.stacks ?? []) {
        const size = fs.statSync(path.join(assembly!.directory, stack.templateFile)).size;
        const outputs = Object.keys(templates.get(stack.stackName)?.Outputs ?? {}).length;
        const fix = 'spread the charts over more stacks: ClusterTarget sharding (a lower chartsPerStack affects only charts placed later)';
        if (size > TEMPLATE_MAX_BYTES) awsErrors.push(`[${stack.stackName}] template: ${size} bytes, over CloudFormation's ${TEMPLATE_MAX_BYTES}. Fix: ${fix}`);
        if (outputs > OUTPUTS_MAX) awsErrors.push(`[${stack.stackName}] outputs: ${outputs}, over CloudFormation's ${OUTPUTS_MAX}. Fix: ${fix}`);
      }
      if (awsErrors.length > 0) throw aggregate('The AWS side has errors', awsErrors);
      for (const t of targets) {
        if (!t.kubernetesVersionSupported) {
          warnings.push(`[${t.node.path}] kubernetesVersion: ${t.kubernetesVersion} is outside the supported range `
            + `${ClusterTarget.OLDEST_SUPPORTED_KUBERNETES_VERSION} to ${ClusterTarget.NEWEST_SUPPORTED_KUBERNETES_VERSION}: the output is not proven on it`);
        }
      }

      // 4. Posture checks, per target.
      const findings: CheckFinding[] = [];
      if (this.props.checks ?? true) {
        const failed: string[] = [];
        for (const t of targets) {
          const objects = rendered.get(t)?.objects ?? [];
          const stackTemplates: { [stack: string]: any } = {};
          for (const st of t.stacks) {
            const own = templates.get(st.stackName);
            if (own) stackTemplates[st.stackName] = own;
          }
          const suppressions = suppressionsFor(t, rendered.get(t));
          const options = { suppressions, kubernetesVersion: t.kubernetesVersion };
          const found = SecretsChecks.check(objects, stackTemplates, options)
            // Without rendered manifests (SynthMode.AWS), rules that compare manifests with templates have nothing to compare.
            .filter((f) => rendered.has(t) || !f.resource.includes(' '));
          for (const f of SecretsChecks.errorsOf(found)) failed.push(`${t.node.id}: ${SecretsChecks.format([f])[0]}`);
          findings.push(...found.filter((f) => f.severity !== CheckSeverity.ERROR || f.suppressedBecause !== undefined));
        }
        if (failed.length > 0) {
          throw aggregate('Posture checks failed (suppress a finding with SecretsSuppressions.add(construct, ruleId, reason))', failed);
        }
      }
      if (print) {
        // Under the CDK CLI, it prints the CDK warnings itself.
        for (const w of mode === SynthMode.AWS ? warnings.filter((x) => x.includes('kubernetesVersion:')) : warnings) process.stderr.write(`warning: ${w}\n`);
      }
      if (print) {
        for (const line of SecretsChecks.format(findings)) process.stderr.write(`${line}\n`);
      }

      // 5. Everything passed: write.
      let files: string[] = [];
      if (mode !== SynthMode.AWS) {
        files = writeOutdir(this.outdir, rendered, this.props.templatesInOutdir ? templates : undefined);
      }
      for (const t of targets) {
        const placement = t._placementOutput();
        if (placement && (!fs.existsSync(placement.file) || fs.readFileSync(placement.file, 'utf8') !== placement.content)) {
          fs.mkdirSync(path.dirname(path.resolve(placement.file)), { recursive: true });
          fs.writeFileSync(placement.file, placement.content);
        }
      }
      if (mode !== SynthMode.KUBERNETES) {
        copyAssembly(this.stagingAssembly, this.cloudAssemblyOutdir, mode === SynthMode.AWS && process.env.CDK_OUTDIR !== undefined);
      }
      return {
        mode,
        outdir: mode !== SynthMode.AWS ? this.outdir : undefined,
        cloudAssemblyOutdir: mode !== SynthMode.KUBERNETES ? this.cloudAssemblyOutdir : undefined,
        files,
        findings,
        warnings,
      };
    } finally {
      // The CDK app keeps its synthesized assembly (aws-cdk-lib's assertions read it after synth), so the staging
      // folder lives until the process exits.
      this.removeStagingOnExit();
    }
  }

  private removeStagingOnExit(): void {
    if (STAGING_AT_EXIT.size === 0) {
      process.once('exit', () => {
        for (const dir of STAGING_AT_EXIT) fs.rmSync(dir, { recursive: true, force: true });
      });
    }
    STAGING_AT_EXIT.add(this.stagingAssembly);
  }

  private checkLayout(targets: ClusterTarget[]): void {
    if (targets.length === 0) {
      throw aggregate('Nothing to synthesize', [`[${this.node.path || '<root>'}] targets: the app has no ClusterTarget. Fix: add one with new ClusterTarget(app, "id", { ... })`]);
    }
    const dirs = new Map<string, string>();
    for (const t of targets) {
      const dir = path.posix.normalize(t.outdir);
      for (const [other, owner] of dirs) {
        if (dir === '.' || other === '.' || dir === other || dir.startsWith(`${other}/`) || other.startsWith(`${dir}/`)) {
          throw aggregate('Invalid layout', [`[${t.node.path}] outdir: "${t.outdir}" overlaps the folder of target ${owner} ("${other}"). Fix: give each target its own folder`]);
        }
      }
      dirs.set(dir, t.node.path);
    }
  }
}

function aggregate(title: string, lines: string[]): Error {
  const err = new Error(`${title}:\n  ${lines.join('\n  ')}`);
  err.name = 'ValidationError';
  return err;
}

/** Writes every target's files into a staging folder, then swaps it in for the output folder. */
function writeOutdir(outdir: string, rendered: Map<ClusterTarget, RenderedTarget>, templates?: Map<string, any>): string[] {
  const abs = path.resolve(outdir);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  const staging = fs.mkdtempSync(path.join(path.dirname(abs), `.${path.basename(abs)}-staging-`));
  const files: string[] = [];
  try {
    const write = (rel: string, content: string, mode = 0o644) => {
      const file = path.join(staging, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content, { mode });
      fs.chmodSync(file, mode);
      files.push(path.posix.normalize(rel.split(path.sep).join('/')));
    };
    for (const [t, r] of rendered) {
      for (const f of r.files) write(path.join(t.outdir, f.fileName), f.content, f.mode);
    }
    if (templates) {
      for (const [name, template] of [...templates.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        write(`${name}.template.json`, `${JSON.stringify(template, undefined, 1)}`);
      }
    }
    fs.chmodSync(staging, 0o755);
    const old = fs.existsSync(abs) ? `${staging}-old` : undefined;
    if (old) fs.renameSync(abs, old);
    fs.renameSync(staging, abs);
    if (old) fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  return files.sort();
}

/** Moves the staged cloud assembly into place (into the folder the CDK CLI created, when it runs the program). */
function copyAssembly(staging: string, target: string, keepFolder: boolean): void {
  const abs = path.resolve(target);
  if (!keepFolder) fs.rmSync(abs, { recursive: true, force: true });
  fs.mkdirSync(abs, { recursive: true });
  fs.cpSync(staging, abs, { recursive: true });
}
