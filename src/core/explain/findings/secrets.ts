// Secrets written into a layer: a security problem even when a later layer deletes them, because the layer
// itself still holds them for anyone who pulls the image. Found by well-known file names, or by the content
// markers the indexer recorded (secretMarkers.ts); the evidence names the file, never its content.
import { baseName } from '../../paths';
import { SecretMarker } from '../../secretMarkers';
import type { LayerEntry } from '../../types';
import type { Finding } from '../explanation';
import type { LayerDelta } from '../layerDelta';
import { findingFrom } from './finding';

type SecretKind = 'private-key' | 'env-file' | 'registry-token' | 'cloud-credentials' | 'login-credentials';

const ROTATE_AND_MOUNT =
  'Rotate the exposed secret, then give it to the build with `RUN --mount=type=secret` instead of copying it in, because deleting it in a later step leaves it in this layer.';

const KINDS: Record<SecretKind, { title: string; fix: string }> = {
  'private-key': { title: 'A private key is in this layer, where anyone who can pull the image can read it.', fix: ROTATE_AND_MOUNT },
  'env-file': {
    title: 'An .env file, which usually holds secrets, is in this layer.',
    fix: 'Add `.env` to .dockerignore and pass its values when the container starts (`docker run --env-file`), and rotate any secret it held.',
  },
  'registry-token': { title: 'A package-registry token (npm or PyPI) is in this layer.', fix: ROTATE_AND_MOUNT },
  'cloud-credentials': { title: 'Cloud credentials are in this layer.', fix: ROTATE_AND_MOUNT },
  'login-credentials': { title: 'Saved login credentials (.git-credentials or .netrc) are in this layer.', fix: ROTATE_AND_MOUNT },
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

export function secretFindings(delta: LayerDelta): Finding[] {
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
        { id: 'secret', severity: 'security', ...KINDS[kind], matchedBy },
        ((matchedBy === 'content' ? byContent : byName).get(kind) ?? []).map((e) => ({ path: e.path, bytes: e.size })),
      ),
    ),
  );
}
