// The static Dockerfile rules: each one on Dockerfiles that should and should not raise it, and each quick fix
// applied to the text, compared with the Dockerfile a person would have written.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfile } from '../../src/core/dockerfile/parse';
import { STATIC_RULES, lintDockerfile, ruleById, type Finding } from '../../src/core/dockerfile/rules/index';
import { applyEdits } from '../../src/core/dockerfile/textEdits';

const lines = (...l: string[]) => l.join('\n') + '\n';

function findings(ruleId: string, text: string, target?: string): Finding[] {
  const rule = ruleById(ruleId);
  assert.ok(rule, `no rule ${ruleId}`);
  return lintDockerfile(parseDockerfile(text), { target, rules: [rule] });
}

/** The text with every finding's fix of `ruleId` applied at once (as "Fix all" would). */
function fixed(ruleId: string, text: string): string {
  const all = findings(ruleId, text);
  assert.ok(all.length > 0, `${ruleId} raised nothing`);
  assert.ok(all.every((f) => f.fix), `a ${ruleId} finding has no fix`);
  return applyEdits(text, all.flatMap((f) => f.fix!.edits));
}

describe('the rule table', () => {
  test('ids are unique, hadolint ids link to hadolint, severities are hint or info (a secret: warning), explanations are sentences', () => {
    assert.equal(new Set(STATIC_RULES.map((r) => r.id)).size, STATIC_RULES.length);
    for (const rule of STATIC_RULES) {
      // BuildKit's check keeps its own name and page, and a secret is worth a warning (BuildKit's severity too).
      const buildCheck = rule.id === 'SecretsUsedInArgOrEnv';
      assert.match(rule.id, /^(DL3\d{3}|LL1\d{3}|SecretsUsedInArgOrEnv)$/);
      assert.ok(buildCheck ? rule.severity === 'warning' : ['hint', 'info'].includes(rule.severity), rule.id);
      assert.equal(rule.url !== undefined, rule.id.startsWith('DL') || buildCheck, rule.id);
      assert.match(rule.explanation, /^\S.*\.$/s, rule.id);
    }
  });

  test('a clean Dockerfile raises nothing at all', () => {
    const text = lines(
      'FROM debian:12.5-slim',
      'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*',
      'WORKDIR /app',
      'COPY package.json package-lock.json ./',
      'RUN npm ci',
      'COPY --chown=1000:1000 . .',
      'USER 1000',
      'CMD ["node", "index.js"]',
    );
    assert.deepEqual(lintDockerfile(parseDockerfile(text)), []);
  });
});

describe('DL3009: apt lists removed in the same RUN', () => {
  test('raised for apt-get update/install without rm of the lists; the fix appends the rm', () => {
    const text = lines('FROM debian:12', 'RUN apt-get update \\', '    && apt-get install -y --no-install-recommends curl');
    const [f] = findings('DL3009', text);
    assert.equal(f.severity, 'info');
    assert.deepEqual(f.range, { startLine: 1, startCharacter: 4, endLine: 1, endCharacter: 18 });
    assert.equal(fixed('DL3009', text), lines('FROM debian:12', 'RUN apt-get update \\', '    && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*'));
  });

  test('not raised when the same RUN removes them, or a cache mount keeps them out of the layer, or in a stage that does not ship', () => {
    assert.deepEqual(findings('DL3009', lines('FROM debian:12', 'RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*')), []);
    assert.deepEqual(findings('DL3009', lines('FROM debian:12', 'RUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y x')), []);
    assert.deepEqual(findings('DL3009', lines('FROM debian:12 AS build', 'RUN apt-get update && apt-get install -y gcc', 'FROM scratch', 'COPY --from=build /out /out')), []);
    assert.equal(findings('DL3009', lines('FROM debian:12 AS build', 'RUN apt-get update', 'FROM scratch'), 'build').length, 1, '--target build ships that stage');
  });

  test('no fix when appending would change the script (ends with ; or &, or runs from a heredoc)', () => {
    const [semi] = findings('DL3009', lines('FROM debian:12', 'RUN apt-get update;'));
    assert.equal(semi.fix, undefined);
    const [heredoc] = findings('DL3009', lines('FROM debian:12', 'RUN <<EOF', 'apt-get update', 'EOF'));
    assert.equal(heredoc.fix, undefined);
    assert.equal(heredoc.range.startLine, 2, 'the finding points into the heredoc body');
  });
});

describe('DL3015: apt-get install --no-install-recommends', () => {
  test('raised on each install without it; the fix inserts the flag after "install"', () => {
    const text = lines('FROM debian:12', 'RUN apt-get -y install curl && DEBIAN_FRONTEND=noninteractive apt-get install -y git && rm -rf /var/lib/apt/lists/*');
    assert.equal(findings('DL3015', text).length, 2);
    assert.equal(
      fixed('DL3015', text),
      lines('FROM debian:12', 'RUN apt-get -y install --no-install-recommends curl && DEBIAN_FRONTEND=noninteractive apt-get install --no-install-recommends -y git && rm -rf /var/lib/apt/lists/*'),
    );
  });

  test('not raised with the flag, with APT::Install-Recommends=false, or for other apt-get commands', () => {
    const clean = lines(
      'FROM debian:12',
      'RUN apt-get install --no-install-recommends -y curl && apt-get -o APT::Install-Recommends=false install git && apt-get remove x && rm -rf /var/lib/apt/lists/*',
    );
    assert.deepEqual(findings('DL3015', clean), []);
  });

  test('the insertion lands at the end of "install" even when a continuation follows it', () => {
    const text = lines('FROM debian:12', 'RUN apt-get install\\', '    curl');
    assert.equal(fixed('DL3015', text), lines('FROM debian:12', 'RUN apt-get install --no-install-recommends\\', '    curl'));
  });
});

describe('DL3019: apk add --no-cache', () => {
  test('raised for apk add without --no-cache; the fix inserts it', () => {
    const text = lines('FROM alpine:3.19', 'RUN apk --update add curl');
    assert.equal(findings('DL3019', text)[0].message, 'apk add without --no-cache keeps the package index in /var/cache/apk.');
    assert.equal(fixed('DL3019', text), lines('FROM alpine:3.19', 'RUN apk --update add --no-cache curl'));
  });

  test('not raised with --no-cache (before or after add), a cache mount, or rm of /var/cache/apk', () => {
    assert.deepEqual(findings('DL3019', lines('FROM alpine:3.19', 'RUN apk add --no-cache curl && apk --no-cache add git')), []);
    assert.deepEqual(findings('DL3019', lines('FROM alpine:3.19', 'RUN --mount=type=cache,target=/var/cache/apk apk add curl')), []);
    assert.deepEqual(findings('DL3019', lines('FROM alpine:3.19', 'RUN apk add curl && rm -rf /var/cache/apk/*')), []);
    assert.deepEqual(findings('DL3019', lines('FROM alpine:3.19', 'RUN apk info curl')), []);
  });
});

describe('DL3042: pip install --no-cache-dir', () => {
  test('raised for pip, pip3 and python -m pip; the fix inserts the flag', () => {
    const text = lines('FROM python:3.12', 'RUN pip install -r requirements.txt && python3 -m pip install gunicorn');
    assert.equal(findings('DL3042', text).length, 2);
    assert.equal(fixed('DL3042', text), lines('FROM python:3.12', 'RUN pip install --no-cache-dir -r requirements.txt && python3 -m pip install --no-cache-dir gunicorn'));
  });

  test('not raised with the flag, PIP_NO_CACHE_DIR (ENV or inline), or a cache mount', () => {
    assert.deepEqual(findings('DL3042', lines('FROM python:3.12', 'RUN pip3 install --no-cache-dir flask')), []);
    assert.deepEqual(findings('DL3042', lines('FROM python:3.12', 'ENV PIP_NO_CACHE_DIR=1', 'RUN pip install flask')), []);
    assert.deepEqual(findings('DL3042', lines('FROM python:3.12', 'RUN PIP_NO_CACHE_DIR=1 pip install flask')), []);
    assert.deepEqual(findings('DL3042', lines('FROM python:3.12', 'RUN --mount=type=cache,target=/root/.cache pip install flask')), []);
    assert.deepEqual(findings('DL3042', lines('FROM python:3.12', 'RUN pip freeze > req.txt')), []);
  });
});

describe('DL3020: COPY where ADD is not needed', () => {
  test('raised for local files and directories; the fix replaces the keyword, keeping its case', () => {
    const text = lines('FROM alpine:3.19', 'ADD --chown=1:1 app.py config/ /app/', 'add README.md /');
    assert.equal(findings('DL3020', text).length, 2);
    assert.equal(fixed('DL3020', text), lines('FROM alpine:3.19', 'COPY --chown=1:1 app.py config/ /app/', 'copy README.md /'));
  });

  test('not raised for URLs, git sources, local archives (ADD unpacks them), variables, or ADD-only flags', () => {
    for (const add of [
      'ADD https://example.com/tool.tgz /opt/',
      'ADD git@github.com:moby/buildkit.git /src',
      'ADD rootfs.tar.gz /',
      'ADD vendor.tar /vendor/',
      'ADD ["dist.tgz", "/srv/"]',
      'ADD $ARCHIVE /opt/',
      'ADD --checksum=sha256:0123 file.txt /x',
    ]) {
      assert.deepEqual(findings('DL3020', lines('FROM alpine:3.19', add)), [], add);
    }
    assert.equal(findings('DL3020', lines('FROM alpine:3.19', 'ADD tool.zip /opt/')).length, 1, 'ADD does not unpack a zip');
  });
});

describe('DL3059 / LL1004: consecutive RUNs', () => {
  // The merge hint whichever id it has: DL3059 (hadolint's) for RUNs of one command each, LL1004 where one chains commands.
  const merges = (text: string) => [...findings('DL3059', text), ...findings('LL1004', text)];

  test('raised on the second of two shell-form RUNs; the fix joins them with a continuation, keeping comments between', () => {
    const text = lines('FROM alpine:3.19', 'RUN apk add --no-cache curl', '', '# then the app user', 'RUN adduser -D app', 'USER app');
    const [f] = findings('DL3059', text);
    assert.equal(f.severity, 'hint');
    assert.equal(f.range.startLine, 4);
    assert.equal(fixed('DL3059', text), lines('FROM alpine:3.19', 'RUN apk add --no-cache curl \\', '# then the app user', '    && adduser -D app', 'USER app'));
  });

  test('three RUNs in a row: fixing all at once gives one RUN', () => {
    const text = lines('FROM alpine:3.19', 'RUN a', 'RUN --network=none b \\', '  && c', 'RUN d');
    assert.deepEqual(merges(text), [], 'a RUN with other flags is neither merged nor merged into');
    const plain = lines('FROM alpine:3.19', 'RUN a', 'RUN b \\', '  && c', 'RUN d');
    assert.equal(fixed('LL1004', plain), lines('FROM alpine:3.19', 'RUN a \\', '    && b \\', '  && c \\', '    && d'));
  });

  test('the escape directive: the continuation uses its character', () => {
    const text = lines('# escape=`', 'FROM mcr.microsoft.com/windows/nanoserver:ltsc2022', 'RUN echo a', 'RUN echo b');
    assert.equal(fixed('DL3059', text), lines('# escape=`', 'FROM mcr.microsoft.com/windows/nanoserver:ltsc2022', 'RUN echo a `', '    && echo b'));
  });

  test('a CRLF file keeps its line breaks', () => {
    const text = ['FROM alpine:3.19', 'RUN a', '# why', 'RUN b', ''].join('\r\n');
    assert.equal(fixed('DL3059', text), ['FROM alpine:3.19', 'RUN a \\', '# why', '    && b', ''].join('\r\n'));
  });

  test('no fix where merging could change what runs: heredocs, a trailing comment, ; or || in the second, different --mount', () => {
    for (const [first, second] of [
      ['RUN <<EOF\necho a\nEOF', 'RUN echo b'],
      ['RUN echo a # note', 'RUN echo b'],
      ['RUN echo a', 'RUN test -f x || exit 0'],
      ['RUN echo a', 'RUN cd /x; make'],
      ['RUN echo a &', 'RUN echo b'],
    ]) {
      const all = merges(lines('FROM alpine:3.19', first, second));
      assert.equal(all.length, 1, `${first} / ${second}`);
      assert.equal(all[0].fix, undefined, `${first} / ${second}`);
    }
    assert.deepEqual(merges(lines('FROM alpine:3.19', 'RUN --mount=type=cache,target=/a a', 'RUN --mount=type=cache,target=/b b')), []);
  });

  test('not raised for RUNs apart, in different stages, or in the exec form (often: no shell yet)', () => {
    assert.deepEqual(merges(lines('FROM alpine:3.19', 'RUN a', 'ENV X=1', 'RUN b')), []);
    assert.deepEqual(merges(lines('FROM alpine:3.19 AS a', 'RUN a', 'FROM alpine:3.19', 'RUN b')), []);
    assert.deepEqual(merges(lines('FROM scratch', 'COPY busybox /bin/', 'RUN ["/bin/busybox", "--install", "-s", "/bin"]', 'RUN ln -s x y')), []);
  });
});

describe('DL3006 / DL3007: FROM without a tag, or :latest', () => {
  test('raised for an untagged image and for :latest, ARG defaults resolved', () => {
    const text = lines('ARG BASE=node', 'FROM $BASE AS build', 'FROM alpine:latest', 'FROM registry.example.com:5000/team/app', 'FROM debian:12');
    assert.deepEqual(findings('DL3006', text).map((f) => [f.range.startLine, f.message]), [
      [1, 'FROM node has no tag, so it means whatever :latest is at build time.'],
      [3, 'FROM registry.example.com:5000/team/app has no tag, so it means whatever :latest is at build time.'],
    ]);
    assert.deepEqual(findings('DL3007', text).map((f) => f.range), [{ startLine: 2, startCharacter: 5, endLine: 2, endCharacter: 18 }]);
  });

  test('not raised for scratch, earlier stages, digests, or a variable without default', () => {
    const text = lines('ARG IMAGE', 'FROM scratch AS base', 'FROM base', 'FROM alpine@sha256:' + 'a'.repeat(64), 'FROM ${IMAGE}', 'FROM $UNDECLARED:3');
    assert.deepEqual(findings('DL3006', text), []);
    assert.deepEqual(findings('DL3007', text), []);
  });
});

describe('LL1001: rm of what an earlier step added', () => {
  test('raised for files, directories and globs an earlier RUN or COPY added, relative paths against WORKDIR', () => {
    const text = lines(
      'FROM debian:12',
      'WORKDIR /app',
      'COPY dist/ ./dist/',
      'RUN echo x > notes.txt && mkdir -p /data/cache && curl -o /tmp/tool.tgz https://example.com/t.tgz',
      'RUN apt-get update && apt-get install -y --no-install-recommends curl',
      'RUN rm notes.txt && rm -rf /data && rm /tmp/tool.tgz',
      'RUN rm -rf dist/maps /var/lib/apt/lists/*',
    );
    const all = findings('LL1001', text);
    assert.deepEqual(all.map((f) => [f.range.startLine, f.message]), [
      [5, 'rm cannot make the image smaller: /app/notes.txt was added by the RUN on line 4 and still ships in its layer.'],
      [5, 'rm cannot make the image smaller: /data was added by the RUN on line 4 and still ships in its layer.'],
      [5, 'rm cannot make the image smaller: /tmp/tool.tgz was added by the RUN on line 4 and still ships in its layer.'],
      [6, 'rm cannot make the image smaller: /app/dist/maps (and 1 more) was added by the COPY on line 3 and still ships in its layer.'],
    ]);
    assert.deepEqual(all[0].range, { startLine: 5, startCharacter: 4, endLine: 5, endCharacter: 16 });
  });

  test('not raised for files the same RUN created, for paths nothing added, or under a COPY of the whole context', () => {
    const text = lines(
      'FROM debian:12',
      'WORKDIR /app',
      'COPY . .',
      'RUN mkdir /scratch && echo t > /scratch/t && rm -rf /scratch && echo y > /tmp/y && rm /tmp/y',
      'RUN rm -rf /tmp/other /app/node_modules',
      'COPY build/ /work/',
      'RUN echo y > /work/y && rm /work/y',
    );
    assert.deepEqual(findings('LL1001', text), []);
    assert.equal(findings('LL1001', lines('FROM debian:12', 'COPY build/ /work/', 'RUN rm /work/y')).length, 1, 'but below a COPY of a directory it is');
  });
});

describe('LL1002: COPY of the whole context before the dependency install', () => {
  test('raised on the COPY, naming the install', () => {
    const [f] = findings('LL1002', lines('FROM node:20', 'WORKDIR /app', 'COPY . .', 'RUN npm ci && npm run build'));
    assert.equal(f.range.startLine, 2);
    assert.equal(f.message, 'This copies the whole build context before "npm ci" on line 4, so any source change reinstalls the dependencies.');
    assert.equal(findings('LL1002', lines('FROM python:3.12', 'COPY ./ /src', 'RUN python -m pip install --no-cache-dir -r /src/requirements.txt')).length, 1);
  });

  test('not raised when the manifests come first and the rest after the install', () => {
    assert.deepEqual(findings('LL1002', lines('FROM node:20', 'COPY package.json package-lock.json ./', 'RUN npm ci', 'COPY . .', 'RUN npm run build')), []);
    assert.deepEqual(findings('LL1002', lines('FROM golang:1.22', 'COPY --from=deps /go/pkg /go/pkg', 'RUN go mod download')), []);
  });
});

describe('LL1003: chmod/chown after COPY', () => {
  test('raised for chmod/chown of copied paths (and chown -R of a parent)', () => {
    const text = lines('FROM debian:12', 'WORKDIR /srv', 'COPY entrypoint.sh ./', 'COPY app/ /srv/app/', 'RUN chmod +x entrypoint.sh && chown -R www-data /srv');
    assert.deepEqual(findings('LL1003', text).map((f) => f.message), [
      'chmod of files the COPY on line 3 added writes them again into this layer; use COPY --chmod instead.',
      'chown of files the COPY on line 4 added writes them again into this layer; use COPY --chown instead.',
    ]);
  });

  test('not raised for paths no COPY added, or a non-recursive chown of a parent', () => {
    assert.deepEqual(findings('LL1003', lines('FROM debian:12', 'COPY app/ /srv/app/', 'RUN mkdir /data && chown app /data && chown app /srv')), []);
    assert.deepEqual(findings('LL1003', lines('FROM debian:12', 'RUN chmod 600 /etc/shadow')), []);
  });
});
