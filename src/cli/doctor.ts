import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { load } from './load';
import { locator, toSarif } from './sarif';
import { CheckFinding, CheckSeverity, CheckSuppression } from '../checks/finding';
import { SecretsChecks } from '../checks/secrets-checks';

/** `doctor` options as the command line gives them. */
export interface DoctorOptions {
  readonly format: 'text' | 'json' | 'sarif';
  readonly failOn: 'error' | 'warning' | 'none';
  readonly kubernetesVersion?: string;
  readonly config?: string;
  readonly output?: string;
}

/** The config file: `kubernetesVersion`, `failOn` and `suppressions` (each with `ruleId`, optional `resource`, `reason`). */
export interface DoctorConfig {
  readonly kubernetesVersion?: string;
  readonly failOn?: 'error' | 'warning' | 'none';
  readonly suppressions?: CheckSuppression[];
}

/** The default config files, looked up in the working directory when `--config` is not given. */
export const DEFAULT_CONFIG_FILES = ['.cdk8s-secrets.yaml', '.cdk8s-secrets.yml', '.cdk8s-secrets.json'];

export class UsageError extends Error {}

export function readConfig(file: string | undefined, cwd: string): { config: DoctorConfig; file?: string } {
  const chosen = file ?? DEFAULT_CONFIG_FILES.map((f) => path.join(cwd, f)).find((f) => fs.existsSync(f));
  if (!chosen) return { config: {} };
  let raw: any;
  try {
    raw = parse(fs.readFileSync(chosen, 'utf8'));
  } catch (e: any) {
    throw new UsageError(`config ${chosen}: cannot be read (${e.code ?? e.message})`);
  }
  if (raw === null || raw === undefined) return { config: {}, file: chosen };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new UsageError(`config ${chosen}: must be a mapping with kubernetesVersion, failOn and suppressions`);
  const unknown = Object.keys(raw).filter((k) => !['kubernetesVersion', 'failOn', 'suppressions'].includes(k));
  if (unknown.length > 0) throw new UsageError(`config ${chosen}: unknown keys ${unknown.join(', ')} (known: kubernetesVersion, failOn, suppressions)`);
  if (raw.suppressions !== undefined && !Array.isArray(raw.suppressions)) throw new UsageError(`config ${chosen}: suppressions must be a list of { ruleId, resource?, reason }`);
  if (raw.failOn !== undefined && !['error', 'warning', 'none'].includes(raw.failOn)) throw new UsageError(`config ${chosen}: failOn must be error, warning or none (got ${JSON.stringify(raw.failOn)})`);
  return { config: raw, file: chosen };
}

/** Whether the findings fail the run at the given level (suppressed findings never fail). */
export function fails(findings: CheckFinding[], failOn: 'error' | 'warning' | 'none'): boolean {
  if (failOn === 'none') return false;
  return findings.some((f) => f.suppressedBecause === undefined && (f.severity === CheckSeverity.ERROR || failOn === 'warning'));
}

/** Runs `doctor`: returns the exit code and the report text. */
export function doctor(paths: string[], opts: DoctorOptions, cwd: string, version: string): { code: number; out: string; err: string } {
  const { config, file: configFile } = readConfig(opts.config, cwd);
  const failOn = opts.failOn ?? config.failOn ?? 'error';
  const loaded = load(paths.length > 0 ? paths : ['.']);
  if (loaded.errors.length > 0) {
    return { code: 2, out: '', err: loaded.errors.map((e) => `error: ${e}`).join('\n') + '\n' };
  }
  let findings: CheckFinding[];
  try {
    findings = SecretsChecks.check(loaded.objects.map((o) => o.object), loaded.templates, {
      suppressions: config.suppressions,
      kubernetesVersion: opts.kubernetesVersion ?? config.kubernetesVersion,
    });
  } catch (e: any) {
    throw new UsageError(`${configFile ? `config ${configFile}: ` : ''}${e.message}`);
  }
  const locate = locator(loaded.objects, loaded.templateFiles);
  const code = fails(findings, failOn) ? 1 : 0;
  let out: string;
  if (opts.format === 'json') {
    out = JSON.stringify({
      version: 1,
      files: loaded.files.length,
      objects: loaded.objects.length,
      templates: Object.keys(loaded.templates).length,
      findings: findings.map((f) => {
        const loc = locate(f);
        return { ...f, ...(loc ? { location: { file: path.relative(cwd, path.resolve(loc.file)).split(path.sep).join('/'), line: loc.line } } : {}) };
      }),
    }, null, 2) + '\n';
  } else if (opts.format === 'sarif') {
    out = JSON.stringify(toSarif(findings, locate, SecretsChecks.ruleIds, version, cwd), null, 2) + '\n';
  } else {
    const lines = findings.map((f) => {
      const loc = locate(f);
      const where = loc ? `${path.relative(cwd, path.resolve(loc.file)) || loc.file}:${loc.line}` : f.resource;
      const level = f.suppressedBecause !== undefined ? 'suppressed' : f.severity;
      return `${where}  ${level}  ${f.ruleId}  ${f.resource}: ${f.message}${f.suppressedBecause !== undefined ? ` (suppressed: ${f.suppressedBecause})` : ''}`;
    });
    const count = (s: CheckSeverity) => findings.filter((f) => f.severity === s && f.suppressedBecause === undefined).length;
    const suppressed = findings.filter((f) => f.suppressedBecause !== undefined).length;
    lines.push(`${count(CheckSeverity.ERROR)} error(s), ${count(CheckSeverity.WARNING)} warning(s), ${suppressed} suppressed; `
      + `${loaded.objects.length} object(s) and ${Object.keys(loaded.templates).length} template(s) in ${loaded.files.length} file(s); `
      + `${SecretsChecks.ruleIds.length} rules${(opts.kubernetesVersion ?? config.kubernetesVersion) ? `, Kubernetes ${opts.kubernetesVersion ?? config.kubernetesVersion}` : ' (no --kubernetes-version: kubernetes-version rule off)'}`);
    out = lines.join('\n') + '\n';
  }
  if (opts.output) {
    fs.writeFileSync(opts.output, out);
    return { code, out: '', err: '' };
  }
  return { code, out, err: '' };
}
