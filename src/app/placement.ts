import * as fs from 'fs';
import { validationError } from '../core/errors';

/** What the placement file holds. */
interface PlacementFile {
  readonly version: 1;
  /** Chart path -> shard number (1-based). */
  readonly charts: { [chart: string]: number };
}

/**
 * Which shard stack each chart's AWS resources live in, kept in a file that is committed with the program (as
 * `cdk.context.json` is), so that a chart never moves: moving a resource to another stack would replace it (a new
 * role ARN, a new secret).
 *
 * - A chart in the file stays in its shard, whatever else is added or removed.
 * - A new chart goes into the lowest shard with fewer than `chartsPerStack` charts (counting the charts the file held
 *   when the program started, so a slot freed by a removed chart is reused from the next synth on).
 * - After a successful synth, the file lists exactly the charts of this run.
 *
 * @internal
 */
export class StackPlacement {
  private static read(scopePath: string, file: string): PlacementFile {
    if (!fs.existsSync(file)) return { version: 1, charts: {} };
    let parsed: any;
    try {
      parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw validationError(scopePath, {
        code: 'CS-APP-016',
        prop: 'sharding.placementFile',
        value: file,
        problem: `cannot be read as JSON (${(e as Error).message})`,
        fix: 'restore the file from version control: it records which stack holds each chart\'s AWS resources',
      });
    }
    const charts = parsed?.charts;
    if (parsed?.version !== 1 || charts === null || typeof charts !== 'object'
      || Object.values(charts).some((v) => !Number.isInteger(v) || (v as number) < 1)) {
      throw validationError(scopePath, {
        code: 'CS-APP-017',
        prop: 'sharding.placementFile',
        value: file,
        problem: 'is not a placement file ({ "version": 1, "charts": { "<chart>": <shard> } })',
        fix: 'restore the file from version control',
      });
    }
    return { version: 1, charts };
  }

  private readonly known: Map<string, number>;
  private readonly counts = new Map<number, number>();
  private readonly used = new Map<string, number>();

  public constructor(
    scopePath: string,
    public readonly file: string,
    private readonly chartsPerStack: number,
  ) {
    if (!Number.isInteger(chartsPerStack) || chartsPerStack < 1) {
      throw validationError(scopePath, {
        code: 'CS-APP-018', prop: 'sharding.chartsPerStack', value: chartsPerStack, problem: 'must be a positive integer', fix: 'use, for example, 100',
      });
    }
    this.known = new Map(Object.entries(StackPlacement.read(scopePath, file).charts));
    for (const shard of this.known.values()) this.counts.set(shard, (this.counts.get(shard) ?? 0) + 1);
  }

  /** The shard (1-based) of a chart, placing it when it is new. */
  public shardOf(chart: string): number {
    const done = this.used.get(chart);
    if (done !== undefined) return done;
    let shard = this.known.get(chart);
    if (shard === undefined) {
      shard = 1;
      while ((this.counts.get(shard) ?? 0) >= this.chartsPerStack) shard++;
      this.counts.set(shard, (this.counts.get(shard) ?? 0) + 1);
    }
    this.used.set(chart, shard);
    return shard;
  }

  /** The file's content after this run: the charts of this run, sorted. */
  public render(): string {
    const charts: { [chart: string]: number } = {};
    for (const key of [...this.used.keys()].sort()) charts[key] = this.used.get(key)!;
    return `${JSON.stringify({ version: 1, charts }, undefined, 2)}\n`;
  }
}
