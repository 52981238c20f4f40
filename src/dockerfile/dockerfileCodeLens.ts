// A CodeLens above each instruction of a linked, indexed Dockerfile: what its step cost in the image
// ("12.3 MB · +1,204 files · 4.1 MB wasted"); clicking a layer's lens explains that layer. Off with the
// `layerlens.dockerfile.codeLens` setting.
import * as vscode from 'vscode';
import { codeLensText } from './codeLensText';
import type { DockerfileViews } from './dockerfileViews';
import type { PreviousBuildDeltas } from './previousBuildDeltas';
import { instructionInsight } from './instructionInsight';
import { toRange } from './vscodeConversions';

export const CODE_LENS_SETTING = 'layerlens.dockerfile.codeLens';

export class DockerfileCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[];
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly views: DockerfileViews,
    /** "+12.1 MB since the previous build", when the linked tag was seen rebuilt. */
    private readonly sinceBuild?: PreviousBuildDeltas,
  ) {
    this.subscriptions = [
      views.onDidChange(() => this.changed.fire()),
      ...(sinceBuild ? [sinceBuild.onDidChange(() => this.changed.fire())] : []),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(CODE_LENS_SETTING)) this.changed.fire();
      }),
    ];
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.getConfiguration().get<boolean>(CODE_LENS_SETTING, true)) return [];
    const view = this.views.view(document);
    if (view.kind !== 'ready') return [];
    const label = this.views.labelOf(view.link);
    const lenses: vscode.CodeLens[] = [];
    for (const match of view.match.instructions) {
      const insight = instructionInsight(view.parsed, view.facts, match);
      const lens = codeLensText(insight);
      if (!lens) continue;
      const since = insight.kind === 'layer' ? this.sinceBuild?.textFor(view.link, insight.stepIndex) : undefined;
      const title = since ? `${lens} · ${since}` : lens;
      const start = match.instruction.range;
      const range = toRange({ startLine: start.startLine, startCharacter: start.startCharacter, endLine: start.startLine, endCharacter: start.startCharacter });
      const command: vscode.Command =
        insight.kind === 'layer'
          ? { title, command: 'layerlens.explainLayer', tooltip: 'Explain This Layer', arguments: [{ imageRef: view.facts.id, label, layer: insight.layer.layer }] }
          : { title, command: '' };
      lenses.push(new vscode.CodeLens(range, command));
    }
    return lenses;
  }

  dispose(): void {
    this.subscriptions.forEach((s) => s.dispose());
    this.changed.dispose();
  }
}
