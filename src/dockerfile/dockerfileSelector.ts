// Which documents the Dockerfile features apply to: VS Code's `dockerfile` language, plus the file names the
// language may not claim (`*.Dockerfile`, `Dockerfile.*`, `Containerfile`). Files on disk and unsaved ones only:
// not the `git:` or `layerlens:` views of other versions.
import * as vscode from 'vscode';

const SCHEMES = ['file', 'untitled'];
const PATTERNS = ['**/Dockerfile', '**/*.Dockerfile', '**/Dockerfile.*', '**/Containerfile'];

export const DOCKERFILE_SELECTOR: vscode.DocumentFilter[] = SCHEMES.flatMap((scheme) => [
  { language: 'dockerfile', scheme },
  ...PATTERNS.map((pattern) => ({ pattern, scheme })),
]);

export function isDockerfileDocument(document: vscode.TextDocument): boolean {
  return vscode.languages.match(DOCKERFILE_SELECTOR, document) > 0;
}
