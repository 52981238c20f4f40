// Secrets written into a layer: a security problem even when a later layer deletes them, because the layer
// itself still holds them for anyone who pulls the image. Found by well-known file names, or by the content
// markers the indexer recorded (secretMarkers.ts); the evidence names the file, never its content.
import { baseName } from '../../model/paths';
import { SecretMarker } from '../../index/secretMarkers';
import type { LayerEntry } from '../../model/types';
import type { Finding, StepKind } from '../explanation';
import { byCount } from '../wording';
import type { LayerDelta } from '../layerDelta';
import { findingFrom } from './finding';

type SecretKind = 'private-key' | 'env-file' | 'registry-token' | 'cloud-credentials' | 'login-credentials';

/**
 * Each kind's title, and its fix for a secret a COPY/ADD brought from the build context (where .dockerignore
 * helps) or one a step wrote itself (where it does not).
 */
interface SecretText {
  title: (n: number) => string;
  fix: (fromContext: boolean) => string;
}

function rotateAndMount(fromContext: boolean): string {
  const instead = fromContext ? 'copying it in from the build context (keep it out with .dockerignore)' : 'writing it into a layer';
  return `Rotate the exposed secret, then give it to the build with \`RUN --mount=type=secret\` instead of ${instead}, because deleting it in a later step leaves it in this layer.`;
}

const KINDS: Record<SecretKind, SecretText> = {
  'private-key': {
    title: (n) => `${byCount(n, 'A private key is', 'Private keys are')} in this layer, where anyone who can pull the image can read ${byCount(n, 'it', 'them')}.`,
    fix: rotateAndMount,
  },
  'env-file': {
    title: (n) => `${byCount(n, 'An .env file, which usually holds secrets, is', 'Env files (.env…), which usually hold secrets, are')} in this layer.`,
    fix: (fromContext) =>
      fromContext
        ? 'Add `.env` to .dockerignore and pass its values when the container starts (`docker run --env-file`), and rotate any secret it held.'
        : 'Do not write the file in the build: pass its values when the container starts (`docker run --env-file`) or to the build with `RUN --mount=type=secret`, and rotate any secret it held.',
  },
  'registry-token': { title: (n) => `${byCount(n, 'A package-registry token (npm or PyPI) is', 'Package-registry tokens (npm or PyPI) are')} in this layer.`, fix: rotateAndMount },
  'cloud-credentials': { title: () => 'Cloud credentials are in this layer.', fix: rotateAndMount },
  'login-credentials': { title: () => 'Saved login credentials (.git-credentials or .netrc) are in this layer.', fix: rotateAndMount },
};

const BY_MARKER: [number, SecretKind][] = [
  [SecretMarker.privateKey, 'private-key'],
  [SecretMarker.npmToken, 'registry-token'],
  [SecretMarker.pypiToken, 'registry-token'],
  [SecretMarker.awsSecretKey, 'cloud-credentials'],
];

/** `.env`, `.env.production`… but not the templates that are meant to be committed. */
const ENV_FILE = /^\.env(?:\.(?!(?:example|sample|template|dist|defaults?)$)[\w.-]+)?$/;
const SSH_KEY = /^id_(?:rsa|dsa|ecdsa|ed25519)(?:_sk)?$/;

export function kindByName(path: string): SecretKind | undefined {
  const name = baseName(path);
  if (SSH_KEY.test(name)) return 'private-key';
  if (ENV_FILE.test(name)) return 'env-file';
  if (name === '.git-credentials' || name === '.netrc') return 'login-credentials';
  if (path.endsWith('/.aws/credentials') || path.endsWith('/gcloud/application_default_credentials.json')) return 'cloud-credentials';
  return undefined;
}

export function kindsByContent(entry: LayerEntry): SecretKind[] {
  const markers = entry.secretMarkers ?? 0;
  return [...new Set(BY_MARKER.filter(([bit]) => markers & bit).map(([, kind]) => kind))];
}

export interface SecretContext {
  /** How this layer's step added its files (default: not known, so no .dockerignore advice). */
  kind?: StepKind;
  /** Paths of this layer that a later layer deletes or overwrites, with that layer: the evidence says so. */
  undoneBy?: ReadonlyMap<string, number>;
}

/** Every path of the layer that a secret finding names (the findings' evidence is capped for display). */
export function secretPaths(delta: LayerDelta): Set<string> {
  return new Set(delta.files.filter((e) => e.type === 'file' && (kindsByContent(e).length > 0 || kindByName(e.path))).map((e) => e.path));
}

export function secretFindings(delta: LayerDelta, context: SecretContext = {}): Finding[] {
  const fromContext = context.kind === 'context-copy';
  const byContent = new Map<SecretKind, LayerEntry[]>();
  const byName = new Map<SecretKind, LayerEntry[]>();
  const add = (map: Map<SecretKind, LayerEntry[]>, kind: SecretKind, e: LayerEntry) => {
    const list = map.get(kind);
    if (list) list.push(e);
    else map.set(kind, [e]);
  };
  for (const e of delta.files) {
    if (e.type !== 'file') continue;
    const contentKinds = kindsByContent(e);
    for (const kind of contentKinds) add(byContent, kind, e);
    const nameKind = kindByName(e.path);
    // A content match is the stronger proof; the name adds nothing then.
    if (nameKind && !contentKinds.includes(nameKind)) add(byName, nameKind, e);
  }
  return (Object.keys(KINDS) as SecretKind[]).flatMap((kind) =>
    (['content', 'name'] as const).flatMap((matchedBy) =>
      findingFrom(
        { id: 'secret', severity: 'security', title: KINDS[kind].title, fix: KINDS[kind].fix(fromContext), matchedBy },
        ((matchedBy === 'content' ? byContent : byName).get(kind) ?? []).map((e) => {
          const by = context.undoneBy?.get(e.path);
          return by === undefined ? { path: e.path, bytes: e.size } : { path: e.path, bytes: e.size, layer: by };
        }),
      ),
    ),
  );
}
