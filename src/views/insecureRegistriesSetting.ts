// The `layerlens.insecureRegistries` setting, as the registry client takes it (the CLI's --insecure-registry).
// Read at each use, so a change applies to the next read without a reload.
import * as vscode from 'vscode';
import { InsecureRegistries } from '../registry/insecureRegistries';

export function insecureRegistriesSetting(): InsecureRegistries {
  const names = vscode.workspace.getConfiguration('layerlens').get<unknown>('insecureRegistries');
  const list = Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string' && n.trim() !== '') : [];
  return new InsecureRegistries(list, 'The setting layerlens.insecureRegistries lists');
}
