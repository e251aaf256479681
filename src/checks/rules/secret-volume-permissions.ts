import { CheckSeverity } from '../finding';
import { podSpecOf } from './refs';
import { asArray, describeK8s, RuleResult } from './util';

/**
 * A secret volume (or one of its items) whose file mode lets group or others write, or others read beyond the default
 * 0644: `defaultMode` / `mode` with any of the bits 0o022 (write) or 0o001 (execute for others) set. Keep 0400 or 0440.
 */
export function secretVolumePermissions(objects: any[]): RuleResult[] {
  const out: RuleResult[] = [];
  // Bits 0o020 (group write), 0o002 (others write), 0o001 (others execute), tested without bitwise operators.
  const bit = (m: number, b: number) => Math.floor(m / b) % 2 === 1;
  const loose = (m: unknown) => typeof m === 'number' && (bit(m, 0o020) || bit(m, 0o002) || bit(m, 0o001));
  for (const o of objects) {
    for (const v of asArray<any>(podSpecOf(o)?.volumes)) {
      if (!v?.secret) continue;
      const modes: string[] = [];
      if (loose(v.secret.defaultMode)) modes.push(`defaultMode 0${v.secret.defaultMode.toString(8)}`);
      for (const it of asArray<any>(v.secret.items)) if (loose(it?.mode)) modes.push(`items ${it.key} mode 0${it.mode.toString(8)}`);
      if (modes.length > 0) {
        out.push({
          severity: CheckSeverity.WARNING,
          resource: describeK8s(o),
          message: `secret volume ${v.name} has ${modes.join(', ')}: group or others may write (or execute) the secret files. Use 0400 or 0440`,
        });
      }
    }
  }
  return out;
}
