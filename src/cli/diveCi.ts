// dive's `.dive-ci`, read as dive reads it (cmd/dive/cli/internal/options/ci.go): `rules.lowestEfficiency`,
// `rules.highestWastedBytes`, `rules.highestUserWastedPercent`, each a value dive's flags take (ciThresholds.ts);
// a rule the file leaves out or leaves empty keeps dive's default; other keys are ignored, as dive ignores them.
// Found in the working directory, or named by --ci-config. Unlike dive, a --ci-config that does not exist is an
// error, not a silent fall back to the defaults. Options on the command line override the file.
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { LayerlensError } from '../core/errors';
import type { CiLimits } from '../core/reports/imageReports';
import { CI_DEFAULTS, ratioLimit, sizeLimit, type CiThresholdFlags } from './ciThresholds';
import { describeValue, isMap, readYamlFile } from './configFile';

export const DIVE_CI_FILE = '.dive-ci';

const RULE_KEYS = {
  lowestEfficiency: 'lowest-efficiency',
  highestWastedBytes: 'highest-wasted-bytes',
  highestUserWastedPercent: 'highest-user-wasted-percent',
} as const;
type RuleKey = keyof typeof RULE_KEYS;

export interface DiveCiFile {
  path: string;
  /** The file's values as dive reads them: text ("0.9", "20MB", "off", "false"). */
  rules: Partial<Record<RuleKey, string>>;
}

/** The file named by --ci-config, else `.dive-ci` in `cwd` if there is one (then named `.dive-ci` in messages). */
export async function findDiveCi(explicit: string | undefined, cwd: string): Promise<DiveCiFile | undefined> {
  if (explicit !== undefined) return readDiveCi(explicit);
  const path = join(cwd, DIVE_CI_FILE);
  const exists = await access(path).then(
    () => true,
    () => false,
  );
  return exists ? readDiveCi(path, DIVE_CI_FILE) : undefined;
}

export async function readDiveCi(file: string, path = file): Promise<DiveCiFile> {
  const content = await readYamlFile(file, path);
  const rules: DiveCiFile['rules'] = {};
  if (content === undefined) return { path, rules };
  if (!isMap(content)) throw new LayerlensError(`${path} must be a map with a "rules" key, as dive reads it; it is ${describeValue(content)}.`, 'bad-input');
  const section = content.rules;
  if (section === undefined || section === null) return { path, rules };
  if (!isMap(section)) throw new LayerlensError(`${path}: "rules" must be a map (lowestEfficiency, highestWastedBytes, highestUserWastedPercent); it is ${describeValue(section)}.`, 'bad-input');
  for (const key of Object.keys(RULE_KEYS) as RuleKey[]) {
    const value = section[key];
    if (value === undefined || value === null) continue; // dive keeps its default
    if (typeof value === 'object') throw new LayerlensError(`${path}: rules.${key} must be one value, such as 0.9, 20MB or off; it is ${describeValue(value)}.`, 'bad-input');
    rules[key] = String(value);
  }
  return { path, rules };
}

/** dive's limits: a flag if given, else the file's value, else dive's default. Each mistake names where it came from. */
export function ciLimitsWith(flags: CiThresholdFlags, file: DiveCiFile | undefined): CiLimits {
  const pick = (key: RuleKey): [string | undefined, string] => {
    const flag = RULE_KEYS[key];
    if (flags[flag] !== undefined) return [flags[flag], `--${flag}`];
    if (file?.rules[key] !== undefined) return [file.rules[key], `${file.path}: rules.${key}`];
    return [undefined, ''];
  };
  return {
    lowestEfficiency: ratioLimit(...pick('lowestEfficiency'), CI_DEFAULTS.lowestEfficiency),
    highestWastedBytes: sizeLimit(...pick('highestWastedBytes')),
    highestUserWastedPercent: ratioLimit(...pick('highestUserWastedPercent'), CI_DEFAULTS.highestUserWastedPercent),
  };
}
