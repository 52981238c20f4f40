// A container's read-write layer as `docker diff` reports it (`GET /containers/{id}/changes`: Kind 0 changed,
// 1 added, 2 deleted), turned into a tree of paths for display.

export type ContainerChangeKind = 'added' | 'changed' | 'deleted';

export interface ChangeNode {
  name: string;
  path: string;
  /** Absent for a directory that only holds changes (not itself reported). */
  kind?: ContainerChangeKind;
  children: ChangeNode[];
}

const KINDS: Record<number, ContainerChangeKind> = { 0: 'changed', 1: 'added', 2: 'deleted' };

export function containerChangeTree(changes: { Path: string; Kind: number }[]): ChangeNode[] {
  const root: ChangeNode = { name: '', path: '/', children: [] };
  const index = new Map<string, ChangeNode>([['/', root]]);
  const nodeFor = (path: string): ChangeNode => {
    const existing = index.get(path);
    if (existing) return existing;
    const cut = path.lastIndexOf('/');
    const parent = nodeFor(cut <= 0 ? '/' : path.slice(0, cut));
    const node: ChangeNode = { name: path.slice(cut + 1), path, children: [] };
    parent.children.push(node);
    index.set(path, node);
    return node;
  };
  for (const change of changes) {
    if (!change.Path.startsWith('/') || change.Path === '/') continue;
    nodeFor(change.Path).kind = KINDS[change.Kind] ?? 'changed';
  }
  const sort = (nodes: ChangeNode[]) => {
    nodes.sort((a, b) => a.name.localeCompare(b.name));
    for (const n of nodes) sort(n.children);
    return nodes;
  };
  return sort(root.children);
}

export function countChanges(changes: { Kind: number }[]): Record<ContainerChangeKind, number> {
  const counts = { added: 0, changed: 0, deleted: 0 };
  for (const c of changes) counts[KINDS[c.Kind] ?? 'changed']++;
  return counts;
}
