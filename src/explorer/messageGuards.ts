// The checks both webviews' protocols (protocol.ts, compareProtocol.ts) make of what their page sends: the page
// renders untrusted names, so every message is treated as untrusted too. Types and guards only (no `vscode`).

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isInt = (v: unknown, min = 0): v is number => Number.isInteger(v) && (v as number) >= min && (v as number) < 2 ** 31;
/** An absolute image path, of a length no file system holds more of. */
export const isPath = (v: unknown): v is string => typeof v === 'string' && v.startsWith('/') && v.length < 16_384;
export const SORTS: readonly string[] = ['name', 'size'];

/** The page's report of a Content-Security-Policy violation, its directive cut to a loggable length. */
export function cspViolationOf(m: Record<string, unknown>): { kind: 'cspViolation'; directive: string } | undefined {
  return typeof m.directive === 'string' ? { kind: 'cspViolation', directive: m.directive.slice(0, 200) } : undefined;
}
