// The string formats the harness validates (ajv-formats' full set, plus the OpenAPI numeric formats and
// `byte` as the Kubernetes API server reads them). A module of its own so that compiled validators cached as
// standalone code (cache.ts) can require the same functions.
import { fullFormats } from 'ajv-formats/dist/formats';

export const HARNESS_FORMATS: { [name: string]: any } = {
  ...fullFormats,
  int32: { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 },
  int64: { type: 'number', validate: (n: number) => Number.isInteger(n) },
  double: { type: 'number', validate: () => true },
  float: { type: 'number', validate: () => true },
  byte: { type: 'string', validate: (s: string) => /^[A-Za-z0-9+/]*={0,2}$/.test(s) && s.length % 4 === 0 },
};
