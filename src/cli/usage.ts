// What `layerlens --help` prints (and, on stderr, `layerlens` alone), and `layerlens --version`.
import { version } from '../../package.json';

export const VERSION = `layerlens ${version}`;

export const USAGE = `Usage: layerlens <command> <ref> [options]

<ref> is an image name or ID on the Docker engine, a path to a docker save archive (.tar, .tar.gz) or an OCI layout,
or registry://[HOST[:PORT]/]REPO[:TAG|@sha256:…] to read an image straight from a registry, without pulling it
(no host: Docker Hub; credentials as the docker CLI finds them).
(lint takes a Dockerfile instead: layerlens lint <Dockerfile> [--image <ref>] [--target <stage>] [--format F].)

Commands:
  layers <ref>                         build steps and layers, with sizes and changes
  tree <ref> [--layer N]               the merged filesystem at layer N (default: the top)
  diff <ref> --from A --to B           changes between the merged views at layers A and B (A may be -1: empty)
  compare <A> <B>                      what differs between two images' filesystems, steps and config, and where
                                       each difference came from (A and B: any <ref>)
  analyze <ref>                        layers, efficiency, wasted bytes and the top wasted files
  explain <ref> --layer N | --step N   what one layer or step did, what it costs, findings and fixes
                                       (layers lists each step's number and layer number)
  packages <ref> [--layer N]           the packages at layer N (default: the top): the layer that installed each,
                                       its bytes there, bytes deleted later, package changes and unowned bytes
  lint <Dockerfile> [--image <ref>]    Dockerfile rules (and, with --image, the image's own); exit 1 on a warning

Options:
  --json                               machine-readable output (see the README for the contract)
  --host <host>                        Docker host (overrides DOCKER_HOST and the docker context)
  --engine-idle-timeout <seconds>      give up when the engine stays silent this long (default 30, or LAYERLENS_ENGINE_IDLE_TIMEOUT)
  --platform <os/arch[/variant]>       registry:// and OCI layouts: the platform to read from a multi-platform image
                                       (default: the engine's, else this machine's)
  --insecure-registry <host[:port]>    a registry that may go without a verified certificate or TLS (repeatable;
                                       loopback always may); HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured
  --no-cache                           neither read nor write the layer index cache
  --ci                                 analyze: exit 1 when a rule fails (dive's rules and defaults);
                                       compare: exit 1 when B grew beyond --max-growth (or the policy's max-growth)
  --lowest-efficiency <ratio>          analyze --ci: minimum efficiency, 0 to 1 or 0% to 100% (default 0.9)
  --highest-wasted-bytes <size>        analyze --ci: e.g. 20MB (default: not checked)
  --highest-user-wasted-percent <r>    analyze --ci: maximum ratio, 0 to 1 (default 0.1)
                                       a rule set to off, false or disabled is skipped
  --ci-config <file>                   analyze --ci: dive's rule file (default: .dive-ci here, if any); options override it
  --format <text|json|sarif>           lint, analyze, compare: the output; sarif (SARIF 2.1.0, for code scanning) needs
                                       analyze --ci or compare --ci
                                       (--json is --format json)
  --policy <file>                      analyze --ci, compare --ci: a Layerlens policy (default: .layerlens.yaml here, if any)
  --lint-config <file>                 lint: a hadolint configuration (default: .hadolint.yaml where hadolint looks)
  --dockerfile <path>                  analyze --ci --format sarif: the Dockerfile the image was built from; findings
                                       go on its lines (with --target <stage> when the image is a stage's)
  --top <n>                            analyze: wasted files to list (default 10)
  --ignore <glob>                      compare: leave out paths matching it, e.g. '/var/log/**' or '*.pyc' (repeatable)
  --max-growth <size|pct>              compare --ci: exit 1 when B is larger than A by more, e.g. 10MB or 5%
  --large-file <size>                  explain: report files of this size or more (default 50MB)
  --target <stage>                     lint, analyze --dockerfile: the stage built (default: the last)
  --version                            the version of layerlens
  -h, --help                           this text

Exit codes: 0 done, 1 a --ci rule or a lint warning failed, 2 bad input or an engine/archive error
(one line on stderr), 130 cancelled. Output piped into a reader that stops early (| head) ends quietly, exit 0.
`;
