import * as path from 'path';
import { LoadedObject } from './load';
import { CheckFinding, CheckSeverity } from '../checks/finding';
import { RULE_SUMMARIES } from '../checks/rule-docs';

/** Where a finding's resource sits: the file and line of the object (or template) it names. */
export interface FindingLocation { readonly file: string; readonly line: number }

/** Maps findings to files: `Kind ns/name` to the object's file and line, `<stack>/<id>` to the template file. */
export function locator(objects: LoadedObject[], templateFiles: { [stack: string]: string }): (f: CheckFinding) => FindingLocation | undefined {
  const byResource = new Map<string, FindingLocation>();
  for (const o of objects) {
    const md = o.object.metadata ?? {};
    const key = `${o.object.kind} ${md.namespace ? `${md.namespace}/` : ''}${md.name ?? '?'}`;
    if (!byResource.has(key)) byResource.set(key, { file: o.file, line: o.line });
  }
  return (f) => {
    const direct = byResource.get(f.resource) ?? byResource.get(f.resource.replace(/ \(.*\)$/, ''));
    if (direct) return direct;
    const stack = f.resource.split('/')[0];
    return templateFiles[stack] ? { file: templateFiles[stack], line: 1 } : undefined;
  };
}

const HELP = 'https://github.com/cdk8s-secrets/cdk8s-secrets/blob/main/docs/checks.md#';

/** A SARIF 2.1.0 log of the findings: one run, every rule of the pack in `tool.driver.rules`, suppressions kept. */
export function toSarif(
  findings: CheckFinding[], locate: (f: CheckFinding) => FindingLocation | undefined, ruleIds: string[], version: string, baseDir: string,
): any {
  const index = new Map(ruleIds.map((id, i) => [id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'cdk8s-secrets',
          informationUri: 'https://github.com/cdk8s-secrets/cdk8s-secrets',
          version,
          rules: ruleIds.map((id) => ({
            id,
            name: id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
            shortDescription: { text: RULE_SUMMARIES[id] ?? id },
            helpUri: `${HELP}${id}`,
          })),
        },
      },
      results: findings.map((f) => {
        const loc = locate(f);
        return {
          ruleId: f.ruleId,
          ...(index.has(f.ruleId) ? { ruleIndex: index.get(f.ruleId) } : {}),
          level: f.severity === CheckSeverity.ERROR ? 'error' : 'warning',
          message: { text: `${f.resource}: ${f.message}` },
          locations: loc ? [{
            physicalLocation: {
              artifactLocation: { uri: loc.file === '-' ? 'stdin' : path.relative(baseDir, path.resolve(loc.file)).split(path.sep).join('/') },
              region: { startLine: loc.line },
            },
            logicalLocations: [{ fullyQualifiedName: f.resource }],
          }] : [{ logicalLocations: [{ fullyQualifiedName: f.resource }] }],
          ...(f.suppressedBecause !== undefined ? { suppressions: [{ kind: 'inSource', justification: f.suppressedBecause }] } : {}),
        };
      }),
    }],
  };
}
