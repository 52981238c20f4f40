// The recent remote images, kept across reloads in globalState (src/views/remoteImageList.ts has the rules), and
// what the registry says of each (manifest and config, read once: a digest reference never changes meaning).
import * as vscode from 'vscode';
import { parseRegistryReference } from '../registry/reference';
import { readImageSummary, type RemoteImageSummary } from '../registry/imageSummary';
import { forgetRemoteImage, readRemoteImages, rememberRemoteImage, type RemoteImage } from './remoteImageList';

const STATE_KEY = 'layerlens.remoteImages';

export class RemoteImages implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when an image is remembered or forgotten. */
  readonly onDidChange = this.changed.event;
  private readonly summaries = new Map<string, Promise<RemoteImageSummary>>();

  constructor(private readonly state: vscode.Memento) {}

  get list(): RemoteImage[] {
    return readRemoteImages(this.state.get(STATE_KEY));
  }

  async remember(image: RemoteImage, summary?: RemoteImageSummary): Promise<void> {
    if (summary) this.summaries.set(image.ref, Promise.resolve(summary));
    await this.state.update(STATE_KEY, rememberRemoteImage(this.list, image));
    this.changed.fire();
  }

  async forget(ref: string): Promise<void> {
    await this.state.update(STATE_KEY, forgetRemoteImage(this.list, ref));
    this.changed.fire();
  }

  /** Manifest and config of a remembered image (its `ref` names it by digest); a failed read is tried again next time. */
  summaryOf(ref: string): Promise<RemoteImageSummary> {
    let summary = this.summaries.get(ref);
    if (!summary) {
      summary = readImageSummary(parseRegistryReference(ref), undefined);
      this.summaries.set(ref, summary);
      summary.catch(() => this.summaries.delete(ref));
    }
    return summary;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
