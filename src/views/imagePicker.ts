// The Command Palette's image picker, shared by every command that needs an image: each name with its size,
// short ID and age, by name then newest (src/core/catalog/imagePicks.ts).
import * as vscode from 'vscode';
import { imagePicks } from '../core/catalog/imagePicks';
import type { EngineService } from '../services/engineService';

export interface PickedImage {
  /** The image ID. */
  ref: string;
  /** The name the user chose it by (repository:tag, or the short ID of an untagged image). */
  label: string;
}

export async function pickImage(engines: EngineService, placeHolder: string): Promise<PickedImage | undefined> {
  const listed = await engines.requireEngine().listImages();
  const items = imagePicks(listed.map((i) => ({ id: i.Id, repoTags: i.RepoTags, created: i.Created, size: i.Size })));
  const picked = await vscode.window.showQuickPick(items, { placeHolder, matchOnDescription: true });
  return picked && { ref: picked.ref, label: picked.name };
}
