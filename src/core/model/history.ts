// Maps the config's `history` onto `rootfs.diff_ids` and turns both builders' `created_by` into instructions.
// Legacy builder: "/bin/sh -c #(nop)  ENV X=1" (metadata/COPY) and "/bin/sh -c apt-get …" or "|2 A=1 B=2 /bin/sh -c …" (RUN).
// BuildKit: "RUN /bin/sh -c apt-get … # buildkit", "COPY x /y # buildkit", "ENV X=1", "WORKDIR /app",
// "EXPOSE map[8080/tcp:{}]" (shown as "EXPOSE 8080/tcp").
import { scanImageConfig } from '../secrets/buildSecrets';
import { SecretMasker } from '../secrets/masking';
import type { Builder, HistoryEntry, ImageConfig, Step } from './types';

const BUILDKIT_SUFFIX = /\s+# buildkit$/;
/** The legacy builder's metadata marker after the SHELL in effect: "/bin/sh -c #(nop) ", "/bin/bash -o pipefail -c #(nop) ". */
const NOP_PREFIX = /^[^#]*?#\(nop\)\s+/;
/** Build-args prefix ("|2 A=1 B=2 ") the builders put before a RUN's shell, then the shell itself. */
const SHELL_PREFIX = /^(?:\|\d+ (?:\S+=\S* )*)?(?:\/bin\/sh|\/bin\/bash|sh|bash) -c /;
const INSTRUCTIONS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER',
  'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

export interface Instruction {
  instruction: string;
  builder: Builder;
}

export function readableInstruction(createdBy: string | undefined): Instruction {
  let text = (createdBy ?? '').trim();
  if (text === '') return { instruction: '', builder: 'unknown' };
  if (BUILDKIT_SUFFIX.test(text)) {
    text = text.replace(BUILDKIT_SUFFIX, '');
    const run = /^RUN\s+(.*)$/s.exec(text);
    if (run) return { instruction: 'RUN ' + run[1].replace(SHELL_PREFIX, ''), builder: 'buildkit' };
    return { instruction: text, builder: 'buildkit' };
  }
  if (NOP_PREFIX.test(text)) return { instruction: text.replace(NOP_PREFIX, '').trim(), builder: 'legacy' };
  if (SHELL_PREFIX.test(text)) return { instruction: 'RUN ' + text.replace(SHELL_PREFIX, ''), builder: 'legacy' };
  const keyword = /^([A-Z]+)\b/.exec(text)?.[1];
  // BuildKit writes metadata steps ("ENV X=1", "WORKDIR /app") without its marker.
  if (keyword && INSTRUCTIONS.has(keyword)) return { instruction: readableExpose(text), builder: 'buildkit' };
  // An exec-form RUN of the legacy builder, or the command of a committed container.
  return { instruction: 'RUN ' + text, builder: 'unknown' };
}

/**
 * BuildKit records EXPOSE as Go prints the config's port set, "EXPOSE map[443/tcp:{} 80/tcp:{}]"
 * (dockerfile2llb: `fmt.Sprintf("EXPOSE %v", ports)`); it reads as the Dockerfile line "EXPOSE 443/tcp 80/tcp".
 */
function readableExpose(text: string): string {
  const map = /^EXPOSE\s+map\[(.*)\]$/s.exec(text);
  if (!map) return text;
  const ports = map[1].split(/\s+/).filter(Boolean).map((entry) => /^(\S+):\{\}$/.exec(entry)?.[1]);
  return ports.length && ports.every((p) => p !== undefined) ? `EXPOSE ${ports.join(' ')}` : text;
}

/** The config's history entries (none when it has no list). */
export function historyOf(config: ImageConfig): HistoryEntry[] {
  return Array.isArray(config.history) ? config.history : [];
}

/** What finds the config's secrets (buildSecrets.ts) and masks them in every text of its steps. */
export function maskerOf(config: ImageConfig): SecretMasker {
  return new SecretMasker(scanImageConfig(config).values);
}

/**
 * One step per history entry; entries without `empty_layer` take the next diff_id in order.
 * Layers left over (history missing or short, e.g. `docker import`) get steps of their own.
 * Secrets in the history are masked here, where it enters the model, so that no output can show them.
 */
export function mapSteps(config: ImageConfig, layerCount: number): Step[] {
  const history = historyOf(config);
  const masker = maskerOf(config);
  const steps: Step[] = [];
  let layer = 0;
  for (const entry of history) {
    const { instruction, builder } = readableInstruction(entry.created_by);
    const step: Step = {
      index: steps.length,
      createdBy: masker.mask(entry.created_by ?? ''),
      instruction: masker.mask(instruction || describeWithoutInstruction(entry)),
      builder,
      created: entry.created,
      comment: masker.mask(entry.comment || undefined),
    };
    if (!entry.empty_layer && layer < layerCount) step.layerIndex = layer++;
    steps.push(step);
  }
  for (; layer < layerCount; layer++) {
    steps.push({ index: steps.length, createdBy: '', instruction: `(layer ${layer}: no build history)`, builder: 'unknown', layerIndex: layer });
  }
  return steps;
}

function describeWithoutInstruction(entry: HistoryEntry): string {
  return entry.comment ? `(${entry.comment})` : '(no instruction recorded)';
}
