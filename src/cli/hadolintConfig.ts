// `.hadolint.yaml`, found where hadolint looks for it (src/Hadolint/Config/Configfile.hs, findConfig), the first
// that exists: ./.hadolint.yaml, ./.hadolint.yml, $XDG_CONFIG_HOME/hadolint.yaml|yml (default ~/.config),
// ~/.hadolint/hadolint.yaml|yml, ~/.hadolint/config.yaml|yml, ~/.hadolint.yaml|yml; or named by --lint-config.
// The keys Layerlens honours: ignored, override, failure-threshold, no-fail, disable-ignore-pragma; hadolint's
// others (trustedRegistries, label-schema, format…) are accepted and have no effect here.
import { access } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { FAILURE_THRESHOLDS, HADOLINT_SEVERITIES, type FailureThreshold, type LintConfig } from '../core/dockerfile/lintConfig';
import { LayerlensError } from '../core/errors';
import { describeValue, isMap, readYamlFile } from './configFile';

export interface FoundLintConfig {
  /** As messages name it. */
  path: string;
  config: LintConfig;
}

/** Where hadolint would look, in its order. */
export function hadolintConfigCandidates(cwd: string, env: NodeJS.ProcessEnv = process.env, home = homedir()): string[] {
  const hidden = ['.hadolint.yaml', '.hadolint.yml'];
  const visible = ['hadolint.yaml', 'hadolint.yml'];
  const xdg = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config');
  return [
    ...hidden.map((f) => join(cwd, f)),
    ...visible.map((f) => join(xdg, f)),
    ...[...visible, 'config.yaml', 'config.yml'].map((f) => join(home, '.hadolint', f)),
    ...hidden.map((f) => join(home, f)),
  ];
}

export async function findLintConfig(explicit: string | undefined, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<FoundLintConfig | undefined> {
  if (explicit !== undefined) return readLintConfig(explicit);
  for (const path of hadolintConfigCandidates(cwd, env)) {
    const exists = await access(path).then(
      () => true,
      () => false,
    );
    if (exists) return readLintConfig(path, path.startsWith(cwd + '/') ? path.slice(cwd.length + 1) : path);
  }
  return undefined;
}

export async function readLintConfig(file: string, path = file): Promise<FoundLintConfig> {
  const content = await readYamlFile(file, path);
  const config: LintConfig = { ignored: [], override: {} };
  if (content === undefined) return { path, config };
  const fail = (what: string) => new LayerlensError(`${path}: ${what}`, 'bad-input');
  if (!isMap(content)) throw fail(`the file must be a map (ignored, override, failure-threshold…); it is ${describeValue(content)}.`);
  config.ignored = ruleList(content.ignored, 'ignored', fail);
  if (content.override !== undefined && content.override !== null) {
    if (!isMap(content.override)) throw fail(`"override" must be a map of error, warning, info and style to rule lists; it is ${describeValue(content.override)}.`);
    for (const [level, rules] of Object.entries(content.override)) {
      const severity = HADOLINT_SEVERITIES.find((s) => s === level);
      if (!severity) throw fail(`override.${level} is not a severity; use error, warning, info or style.`);
      config.override[severity] = ruleList(rules, `override.${level}`, fail);
    }
  }
  const threshold = content['failure-threshold'];
  if (threshold !== undefined && threshold !== null) {
    const value = FAILURE_THRESHOLDS.find((t) => t === threshold);
    if (!value) throw fail(`failure-threshold must be one of ${FAILURE_THRESHOLDS.join(', ')}; it is ${describeValue(threshold)}.`);
    config.failureThreshold = value as FailureThreshold;
  }
  config.noFail = flag(content['no-fail'], 'no-fail', fail);
  config.disableIgnorePragma = flag(content['disable-ignore-pragma'], 'disable-ignore-pragma', fail);
  return { path, config };
}

function ruleList(value: unknown, key: string, fail: (what: string) => Error): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw fail(`${key} must be a list of rule ids such as DL3008 or LL1001; it is ${describeValue(value)}.`);
  return value.map((item, i) => {
    if (typeof item !== 'string' || !/^[A-Za-z0-9]+$/.test(item)) throw fail(`${key}[${i}] must be a rule id such as DL3008 or LL1001; it is ${describeValue(item)}.`);
    return item;
  });
}

function flag(value: unknown, key: string, fail: (what: string) => Error): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw fail(`${key} must be true or false; it is ${describeValue(value)}.`);
  return value;
}
