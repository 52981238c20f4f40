// The security findings of Explain This Layer (secrets, setuid/setgid programs), as marks on the paths and
// layers of the explorer, found by the same tests as Explain's so the two never disagree. A mark belongs to
// the version of a path that a layer ships: it stays on that version when a later layer deletes the path,
// because the bytes are still in the image for anyone who pulls it.
import { forEachLayerDelta, newOrChangedEntries } from '../core/explain/layerDelta';
import { permissionFindings } from '../core/explain/findings/permissions';
import { kindByName, kindsByContent, secretFindings } from '../core/explain/findings/secrets';
import type { ImageModel } from '../core/model/imageModel';
import { buildSecretFindings } from '../core/secrets/buildSecretFindings';
import type { LayerSecurity, SecurityMark } from './protocol';

const SETID = 0o6000;

export class SecurityMarks {
  /** Marks by path, each naming the layer whose version it marks. */
  private readonly byPath = new Map<string, SecurityMark[]>();
  private readonly byLayer = new Map<number, LayerSecurity[]>();

  constructor(model: ImageModel) {
    forEachLayerDelta(model, (delta) => {
      // A RUN that records a secret build argument or token (core/secrets): the layer's badge says so too.
      const step = model.steps.find((s) => s.layerIndex === delta.layer);
      const recorded = step ? buildSecretFindings(model.buildSecrets.filter((s) => s.step === step.index)) : [];
      const findings = [...secretFindings(delta), ...permissionFindings(delta).filter((f) => f.id === 'setuid'), ...recorded];
      if (!findings.length) return;
      const titleOf = (kind: SecurityMark['kind']) => findings.filter((f) => f.id === kind).map((f) => f.title);
      const summary: LayerSecurity[] = [];
      for (const kind of ['secret', 'setuid'] as const) {
        const own = findings.filter((f) => f.id === kind);
        if (own.length) summary.push({ kind, paths: own.reduce((n, f) => n + f.total.paths, 0), title: plain(own.map((f) => f.title).join(' ')) });
      }
      this.byLayer.set(delta.layer, summary);
      // The findings' evidence is capped for display; the marks need every path, so the same tests run again.
      for (const e of delta.files) {
        if (e.type !== 'file') continue;
        const kinds = kindsByContent(e);
        const byName = kindByName(e.path);
        if (kinds.length || byName) this.add(e.path, { kind: 'secret', layer: delta.layer, title: plain(secretTitle(findings, e.path) ?? titleOf('secret')[0]) });
      }
      const setid = newOrChangedEntries(delta, (before, after) => (after.mode & SETID & ~before.mode) !== 0);
      for (const e of setid) if (e.type === 'file' && e.mode & SETID) this.add(e.path, { kind: 'setuid', layer: delta.layer, title: plain(titleOf('setuid')[0]) });
    });
  }

  /** The marks on the version of `path` that `layer` ships. */
  of(path: string, layer: number): SecurityMark[] {
    return this.byPath.get(path)?.filter((m) => m.layer === layer) ?? [];
  }

  /** What a layer's findings say, one entry per kind with the number of paths. */
  ofLayer(layer: number): LayerSecurity[] {
    return this.byLayer.get(layer) ?? [];
  }

  private add(path: string, mark: SecurityMark): void {
    const list = this.byPath.get(path);
    if (list) list.push(mark);
    else this.byPath.set(path, [mark]);
  }
}

/** The title of the secret finding whose evidence names `path` (the precise kind), if shown there. */
function secretTitle(findings: { id: string; title: string; evidence: { path: string }[] }[], path: string): string | undefined {
  return findings.find((f) => f.id === 'secret' && f.evidence.some((e) => e.path === path))?.title;
}

/** Finding titles may hold Markdown code spans; the explorer shows text. */
function plain(title: string): string {
  return title.replace(/`/g, '');
}
