// LL1002 (Layerlens): `COPY . .` before the dependency install makes every source change invalidate the
// build cache of the install, so dependencies are downloaded again on every build. Copy the manifests
// (package.json, requirements.txt, go.mod…) first, install, then copy the rest.
import { runScript } from '../runScript';
import { programIndex, type ShellCommand } from '../shellCommands';
import { addSources } from './addInsteadOfCopy';
import type { Finding, StaticRule } from './types';

/** program → subcommands that install dependencies ("" : the bare program does, e.g. `yarn`). */
const INSTALLERS: Record<string, string[]> = {
  npm: ['install', 'i', 'ci'],
  yarn: ['', 'install'],
  pnpm: ['install', 'i'],
  bun: ['install', 'i'],
  pip: ['install'],
  poetry: ['install'],
  pipenv: ['install', 'sync'],
  uv: ['sync'],
  bundle: ['install', ''],
  composer: ['install'],
  go: ['mod'],
  cargo: ['fetch'],
  dotnet: ['restore'],
  mvn: ['dependency:go-offline', 'dependency:resolve'],
  mix: ['deps.get'],
};

function installCommand(command: ShellCommand): string | undefined {
  let p = programIndex(command);
  if (p < 0) return undefined;
  let program = command.words[p].value.replace(/^.*\//, '');
  if (/^python[\d.]*$/.test(program) && command.words[p + 1]?.value === '-m') program = command.words[(p += 2)]?.value ?? '';
  if (/^pip[\d.]*$/.test(program)) program = 'pip';
  const subcommands = INSTALLERS[program];
  if (!subcommands) return undefined;
  const sub = command.words.slice(p + 1).find((w) => !w.value.startsWith('-'))?.value ?? '';
  return subcommands.includes(sub) ? `${program}${sub ? ' ' + sub : ''}` : undefined;
}

export const contextCopyBeforeInstall: StaticRule = {
  id: 'LL1002',
  severity: 'info',
  title: 'COPY . before installing dependencies',
  explanation:
    'A COPY of the whole build context changes whenever any source file does, and every step after it is rebuilt, including the dependency install. ' +
    'Copy only the dependency manifests (package.json and its lock file, requirements.txt, go.mod…) before installing, and the rest after.',
  check({ dockerfile }) {
    const findings: Finding[] = [];
    for (const stage of dockerfile.stages) {
      const copy = stage.instructions.find(
        (i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !i.flags.some((f) => f.name === 'from') && addSources(i, dockerfile.escapeChar).some((s) => /^(?:\.\/?|\*)$/.test(s)),
      );
      if (!copy) continue;
      for (const later of stage.instructions.slice(stage.instructions.indexOf(copy) + 1)) {
        const script = later.keyword === 'RUN' ? runScript(dockerfile, later) : undefined;
        const install = script?.shell.commands.map(installCommand).find((c) => c !== undefined);
        if (!install) continue;
        findings.push({
          ruleId: contextCopyBeforeInstall.id,
          severity: contextCopyBeforeInstall.severity,
          message: `This copies the whole build context before "${install}" on line ${later.range.startLine + 1}, so any source change reinstalls the dependencies.`,
          range: { startLine: copy.range.startLine, startCharacter: copy.range.startCharacter, endLine: copy.range.startLine, endCharacter: dockerfile.lines[copy.range.startLine].length },
        });
        break;
      }
    }
    return findings;
  },
};
