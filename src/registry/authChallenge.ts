// The `WWW-Authenticate` header of a registry's 401 (RFC 7235; distribution's token spec): `Bearer
// realm="…",service="…",scope="…"` names the token server, `Basic realm="…"` asks for the user's password.
export interface AuthChallenge {
  /** Lower case: "bearer", "basic". */
  scheme: string;
  params: Record<string, string>;
}

/** Every challenge in the header, in order; unknown or malformed parts are skipped, never thrown on. */
export function parseAuthChallenges(header: string | null | undefined): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  if (!header) return challenges;
  let i = 0;
  const s = header;
  const skipSpace = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const token = () => {
    const start = i;
    while (i < s.length && /[!#$%&'*+.^_`|~0-9A-Za-z-]/.test(s[i])) i++;
    return s.slice(start, i);
  };
  while (i < s.length) {
    skipSpace();
    while (s[i] === ',') {
      i++;
      skipSpace();
    }
    const scheme = token();
    if (!scheme) {
      i++;
      continue;
    }
    const challenge: AuthChallenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    // Parameters until the next scheme: a token followed by a space and not by '='.
    for (;;) {
      skipSpace();
      while (s[i] === ',') {
        i++;
        skipSpace();
      }
      const save = i;
      const name = token();
      skipSpace();
      if (!name || s[i] !== '=') {
        i = save;
        break;
      }
      i++;
      skipSpace();
      let value = '';
      if (s[i] === '"') {
        i++;
        while (i < s.length && s[i] !== '"') {
          if (s[i] === '\\' && i + 1 < s.length) i++;
          value += s[i++];
        }
        i++;
      } else {
        const start = i;
        while (i < s.length && s[i] !== ',' && s[i] !== ' ') i++;
        value = s.slice(start, i);
      }
      challenge.params[name.toLowerCase()] = value;
    }
  }
  return challenges;
}
