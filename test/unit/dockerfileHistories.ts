// Build histories recorded from real images (Docker Engine 20.10 and 26.1, legacy builder and BuildKit), for the
// Dockerfile matcher's unit tests. Each entry: the Dockerfile, then the config's history ({created_by, empty_layer}; the
// probes' from docker history, without empty_layer).
// The fixture images are test/fixtures/<name>/Dockerfile built by test/setup/build-fixtures.sh (which adds a
// --label: the legacy builder records it as a last LABEL step). Not a test file itself.
import type { HistoryEntry } from '../../src/core/model/types';

export interface RecordedBuild { dockerfile: string; history: HistoryEntry[] }

/** test/fixtures/<name>/Dockerfile (as it was) built on Engine 20.10: "<name>:<legacy|buildkit>". */
export const FIXTURE_BUILDS: Record<string, RecordedBuild> = {
  "basics:legacy": {
    dockerfile: "# Layerlens fixture \"basics\": files added / modified / deleted across steps, a\n# metadata-only change of a big file, links, special files and modes, owners,\n# and metadata-only steps. Built FROM scratch: no registry is reachable in tests.\nFROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\",\"--install\",\"-s\",\"/bin\"]\nENV LAYERLENS_FIXTURE=basics PATH=/bin\nLABEL org.opencontainers.image.title=\"layerlens basics fixture\"\nWORKDIR /app\n\n# New files, a 2 MiB file (deterministic, compressible) and a small tree.\nRUN mkdir -p /app/data /app/lib \\\n && echo 'hello' > /app/hello.txt \\\n && echo 'config v1' > /app/data/config.txt \\\n && echo 'to be deleted' > /app/data/obsolete.txt \\\n && yes layerlens-big-file | head -c 2097152 > /app/big.bin \\\n && chmod 644 /app/big.bin\n\n# Content change, deletion, addition; big.bin only changes mode (metadata-only,\n# but the whole 2 MiB is shipped again in this layer).\nRUN echo 'config v2' > /app/data/config.txt \\\n && rm /app/data/obsolete.txt \\\n && echo 'added later' > /app/data/added.txt \\\n && chmod 600 /app/big.bin\n\n# Hardlinks (within this layer, and to a file of a lower layer), symlinks\n# (absolute, relative, dangling, to a dir), a fifo, setuid / setgid / sticky.\nRUN echo 'target' > /app/lib/target.txt \\\n && ln /app/lib/target.txt /app/lib/hardlink.txt \\\n && ln /app/hello.txt /app/hello-hardlink.txt \\\n && ln -s /app/lib/target.txt /app/lib/abs-symlink \\\n && ln -s ../lib/target.txt /app/data/rel-symlink \\\n && ln -s /nonexistent/nowhere /app/lib/dangling-symlink \\\n && ln -s lib /app/dir-symlink \\\n && mkfifo /app/fifo \\\n && printf '#!/bin/sh\\necho setuid\\n' > /app/setuid-file && chmod 4755 /app/setuid-file \\\n && mkdir /app/setgid-dir && chmod 2775 /app/setgid-dir \\\n && mkdir /app/sticky-dir && chmod 1777 /app/sticky-dir \\\n && mkdir /app/empty-dir\n\n# Owners other than root.\nRUN mkdir -p /home/user && echo 'owned' > /home/user/file.txt && chown -R 1000:1000 /home/user \\\n && echo 'group only' > /app/gid-only.txt && chown 0:1000 /app/gid-only.txt\n\nEXPOSE 8080\nUSER 1000:1000\nCMD [\"/bin/sh\"]\n",
    history: [
      {"created_by":"/bin/sh -c #(nop) COPY file:7027c77992f5b5a06465828d75ae4ff9adcec5f94bc05d3f683eb205e0ec1ac0 in /bin/busybox "},
      {"created_by":"/bin/busybox --install -s /bin"},
      {"created_by":"/bin/sh -c #(nop)  ENV LAYERLENS_FIXTURE=basics PATH=/bin","empty_layer":true},
      {"created_by":"/bin/sh -c #(nop)  LABEL org.opencontainers.image.title=layerlens basics fixture","empty_layer":true},
      {"created_by":"/bin/sh -c #(nop) WORKDIR /app"},
      {"created_by":"/bin/sh -c mkdir -p /app/data /app/lib  && echo 'hello' > /app/hello.txt  && echo 'config v1' > /app/data/config.txt  && echo 'to be deleted' > /app/data/obsolete.txt  && yes layerlens-big-file | head -c 2097152 > /app/big.bin  && chmod 644 /app/big.bin"},
      {"created_by":"/bin/sh -c echo 'config v2' > /app/data/config.txt  && rm /app/data/obsolete.txt  && echo 'added later' > /app/data/added.txt  && chmod 600 /app/big.bin"},
      {"created_by":"/bin/sh -c echo 'target' > /app/lib/target.txt  && ln /app/lib/target.txt /app/lib/hardlink.txt  && ln /app/hello.txt /app/hello-hardlink.txt  && ln -s /app/lib/target.txt /app/lib/abs-symlink  && ln -s ../lib/target.txt /app/data/rel-symlink  && ln -s /nonexistent/nowhere /app/lib/dangling-symlink  && ln -s lib /app/dir-symlink  && mkfifo /app/fifo  && printf '#!/bin/sh\\necho setuid\\n' > /app/setuid-file && chmod 4755 /app/setuid-file  && mkdir /app/setgid-dir && chmod 2775 /app/setgid-dir  && mkdir /app/sticky-dir && chmod 1777 /app/sticky-dir  && mkdir /app/empty-dir"},
      {"created_by":"/bin/sh -c mkdir -p /home/user && echo 'owned' > /home/user/file.txt && chown -R 1000:1000 /home/user  && echo 'group only' > /app/gid-only.txt && chown 0:1000 /app/gid-only.txt"},
      {"created_by":"/bin/sh -c #(nop)  EXPOSE 8080","empty_layer":true},
      {"created_by":"/bin/sh -c #(nop)  USER 1000:1000","empty_layer":true},
      {"created_by":"/bin/sh -c #(nop)  CMD [\"/bin/sh\"]","empty_layer":true},
      {"created_by":"/bin/sh -c #(nop)  LABEL layerlens.fixture-hash=6433ee2a784fc9fc10f0bb3f0ec51830e43b6d1fdf66f53487f732f99a23968d","empty_layer":true},
    ],
  },
  "basics:buildkit": {
    dockerfile: "# Layerlens fixture \"basics\": files added / modified / deleted across steps, a\n# metadata-only change of a big file, links, special files and modes, owners,\n# and metadata-only steps. Built FROM scratch: no registry is reachable in tests.\nFROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\",\"--install\",\"-s\",\"/bin\"]\nENV LAYERLENS_FIXTURE=basics PATH=/bin\nLABEL org.opencontainers.image.title=\"layerlens basics fixture\"\nWORKDIR /app\n\n# New files, a 2 MiB file (deterministic, compressible) and a small tree.\nRUN mkdir -p /app/data /app/lib \\\n && echo 'hello' > /app/hello.txt \\\n && echo 'config v1' > /app/data/config.txt \\\n && echo 'to be deleted' > /app/data/obsolete.txt \\\n && yes layerlens-big-file | head -c 2097152 > /app/big.bin \\\n && chmod 644 /app/big.bin\n\n# Content change, deletion, addition; big.bin only changes mode (metadata-only,\n# but the whole 2 MiB is shipped again in this layer).\nRUN echo 'config v2' > /app/data/config.txt \\\n && rm /app/data/obsolete.txt \\\n && echo 'added later' > /app/data/added.txt \\\n && chmod 600 /app/big.bin\n\n# Hardlinks (within this layer, and to a file of a lower layer), symlinks\n# (absolute, relative, dangling, to a dir), a fifo, setuid / setgid / sticky.\nRUN echo 'target' > /app/lib/target.txt \\\n && ln /app/lib/target.txt /app/lib/hardlink.txt \\\n && ln /app/hello.txt /app/hello-hardlink.txt \\\n && ln -s /app/lib/target.txt /app/lib/abs-symlink \\\n && ln -s ../lib/target.txt /app/data/rel-symlink \\\n && ln -s /nonexistent/nowhere /app/lib/dangling-symlink \\\n && ln -s lib /app/dir-symlink \\\n && mkfifo /app/fifo \\\n && printf '#!/bin/sh\\necho setuid\\n' > /app/setuid-file && chmod 4755 /app/setuid-file \\\n && mkdir /app/setgid-dir && chmod 2775 /app/setgid-dir \\\n && mkdir /app/sticky-dir && chmod 1777 /app/sticky-dir \\\n && mkdir /app/empty-dir\n\n# Owners other than root.\nRUN mkdir -p /home/user && echo 'owned' > /home/user/file.txt && chown -R 1000:1000 /home/user \\\n && echo 'group only' > /app/gid-only.txt && chown 0:1000 /app/gid-only.txt\n\nEXPOSE 8080\nUSER 1000:1000\nCMD [\"/bin/sh\"]\n",
    history: [
      {"created_by":"COPY busybox /bin/busybox # buildkit"},
      {"created_by":"RUN /bin/busybox --install -s /bin # buildkit"},
      {"created_by":"ENV LAYERLENS_FIXTURE=basics PATH=/bin","empty_layer":true},
      {"created_by":"LABEL org.opencontainers.image.title=layerlens basics fixture","empty_layer":true},
      {"created_by":"WORKDIR /app"},
      {"created_by":"RUN /bin/sh -c mkdir -p /app/data /app/lib  && echo 'hello' > /app/hello.txt  && echo 'config v1' > /app/data/config.txt  && echo 'to be deleted' > /app/data/obsolete.txt  && yes layerlens-big-file | head -c 2097152 > /app/big.bin  && chmod 644 /app/big.bin # buildkit"},
      {"created_by":"RUN /bin/sh -c echo 'config v2' > /app/data/config.txt  && rm /app/data/obsolete.txt  && echo 'added later' > /app/data/added.txt  && chmod 600 /app/big.bin # buildkit"},
      {"created_by":"RUN /bin/sh -c echo 'target' > /app/lib/target.txt  && ln /app/lib/target.txt /app/lib/hardlink.txt  && ln /app/hello.txt /app/hello-hardlink.txt  && ln -s /app/lib/target.txt /app/lib/abs-symlink  && ln -s ../lib/target.txt /app/data/rel-symlink  && ln -s /nonexistent/nowhere /app/lib/dangling-symlink  && ln -s lib /app/dir-symlink  && mkfifo /app/fifo  && printf '#!/bin/sh\\necho setuid\\n' > /app/setuid-file && chmod 4755 /app/setuid-file  && mkdir /app/setgid-dir && chmod 2775 /app/setgid-dir  && mkdir /app/sticky-dir && chmod 1777 /app/sticky-dir  && mkdir /app/empty-dir # buildkit"},
      {"created_by":"RUN /bin/sh -c mkdir -p /home/user && echo 'owned' > /home/user/file.txt && chown -R 1000:1000 /home/user  && echo 'group only' > /app/gid-only.txt && chown 0:1000 /app/gid-only.txt # buildkit"},
      {"created_by":"EXPOSE map[8080/tcp:{}]","empty_layer":true},
      {"created_by":"USER 1000:1000","empty_layer":true},
      {"created_by":"CMD [\"/bin/sh\"]","empty_layer":true},
    ],
  },
  "whiteouts:legacy": {
    dockerfile: "# Layerlens fixture \"whiteouts\": deletions in every shape a layer can express them.\nFROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\",\"--install\",\"-s\",\"/bin\"]\n\nRUN mkdir -p /opq/sub /partial /dir2file /gone/deep /tmp \\\n && echo a > /opq/a && echo b > /opq/sub/b \\\n && echo p1 > /partial/p1 && echo p2 > /partial/p2 \\\n && echo x > /dir2file/inner \\\n && echo 'I am a file' > /file2dir \\\n && echo 'first life' > /readd.txt \\\n && echo z > /gone/deep/z \\\n && echo single > /single.txt\n\n# Opaque dir: /opq removed entirely and recreated with other content (overlayfs\n# marks it opaque). /partial keeps its dir and loses its files (plain whiteouts).\nRUN rm -rf /opq && mkdir /opq && echo x > /opq/new \\\n && rm /partial/p1 /partial/p2 && echo p3 > /partial/p3\n\n# dir -> file, file -> dir, a deleted file and a deleted tree.\nRUN rm -rf /dir2file && echo 'now a file' > /dir2file \\\n && rm /file2dir && mkdir /file2dir && echo y > /file2dir/child \\\n && rm /readd.txt /single.txt \\\n && rm -rf /gone\n\n# Re-add a path that the layer below whited out.\nRUN echo 'second life' > /readd.txt\n\n# Created and deleted in the same step: must not appear in the layer\n# (only /scratchpad itself and the touched /tmp dir may).\nRUN mkdir /scratchpad && echo temp > /scratchpad/ephemeral.txt && rm /scratchpad/ephemeral.txt \\\n && echo temp > /tmp/ephemeral.txt && rm /tmp/ephemeral.txt\n\n# A step that changes nothing.\nRUN true\n\nCMD [\"/bin/sh\"]\n",
    history: [
      {"created_by":"/bin/sh -c #(nop) COPY file:7027c77992f5b5a06465828d75ae4ff9adcec5f94bc05d3f683eb205e0ec1ac0 in /bin/busybox "},
      {"created_by":"/bin/busybox --install -s /bin"},
      {"created_by":"/bin/sh -c mkdir -p /opq/sub /partial /dir2file /gone/deep /tmp  && echo a > /opq/a && echo b > /opq/sub/b  && echo p1 > /partial/p1 && echo p2 > /partial/p2  && echo x > /dir2file/inner  && echo 'I am a file' > /file2dir  && echo 'first life' > /readd.txt  && echo z > /gone/deep/z  && echo single > /single.txt"},
      {"created_by":"/bin/sh -c rm -rf /opq && mkdir /opq && echo x > /opq/new  && rm /partial/p1 /partial/p2 && echo p3 > /partial/p3"},
      {"created_by":"/bin/sh -c rm -rf /dir2file && echo 'now a file' > /dir2file  && rm /file2dir && mkdir /file2dir && echo y > /file2dir/child  && rm /readd.txt /single.txt  && rm -rf /gone"},
      {"created_by":"/bin/sh -c echo 'second life' > /readd.txt"},
      {"created_by":"/bin/sh -c mkdir /scratchpad && echo temp > /scratchpad/ephemeral.txt && rm /scratchpad/ephemeral.txt  && echo temp > /tmp/ephemeral.txt && rm /tmp/ephemeral.txt"},
      {"created_by":"/bin/sh -c true","empty_layer":true},
      {"created_by":"/bin/sh -c #(nop)  CMD [\"/bin/sh\"]","empty_layer":true},
      {"created_by":"/bin/sh -c #(nop)  LABEL layerlens.fixture-hash=0fc8e047d134238e322661dbf1400aa21fcca28d2b0638d6079c5c4736995123","empty_layer":true},
    ],
  },
  "whiteouts:buildkit": {
    dockerfile: "# Layerlens fixture \"whiteouts\": deletions in every shape a layer can express them.\nFROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\",\"--install\",\"-s\",\"/bin\"]\n\nRUN mkdir -p /opq/sub /partial /dir2file /gone/deep /tmp \\\n && echo a > /opq/a && echo b > /opq/sub/b \\\n && echo p1 > /partial/p1 && echo p2 > /partial/p2 \\\n && echo x > /dir2file/inner \\\n && echo 'I am a file' > /file2dir \\\n && echo 'first life' > /readd.txt \\\n && echo z > /gone/deep/z \\\n && echo single > /single.txt\n\n# Opaque dir: /opq removed entirely and recreated with other content (overlayfs\n# marks it opaque). /partial keeps its dir and loses its files (plain whiteouts).\nRUN rm -rf /opq && mkdir /opq && echo x > /opq/new \\\n && rm /partial/p1 /partial/p2 && echo p3 > /partial/p3\n\n# dir -> file, file -> dir, a deleted file and a deleted tree.\nRUN rm -rf /dir2file && echo 'now a file' > /dir2file \\\n && rm /file2dir && mkdir /file2dir && echo y > /file2dir/child \\\n && rm /readd.txt /single.txt \\\n && rm -rf /gone\n\n# Re-add a path that the layer below whited out.\nRUN echo 'second life' > /readd.txt\n\n# Created and deleted in the same step: must not appear in the layer\n# (only /scratchpad itself and the touched /tmp dir may).\nRUN mkdir /scratchpad && echo temp > /scratchpad/ephemeral.txt && rm /scratchpad/ephemeral.txt \\\n && echo temp > /tmp/ephemeral.txt && rm /tmp/ephemeral.txt\n\n# A step that changes nothing.\nRUN true\n\nCMD [\"/bin/sh\"]\n",
    history: [
      {"created_by":"COPY busybox /bin/busybox # buildkit"},
      {"created_by":"RUN /bin/busybox --install -s /bin # buildkit"},
      {"created_by":"RUN /bin/sh -c mkdir -p /opq/sub /partial /dir2file /gone/deep /tmp  && echo a > /opq/a && echo b > /opq/sub/b  && echo p1 > /partial/p1 && echo p2 > /partial/p2  && echo x > /dir2file/inner  && echo 'I am a file' > /file2dir  && echo 'first life' > /readd.txt  && echo z > /gone/deep/z  && echo single > /single.txt # buildkit"},
      {"created_by":"RUN /bin/sh -c rm -rf /opq && mkdir /opq && echo x > /opq/new  && rm /partial/p1 /partial/p2 && echo p3 > /partial/p3 # buildkit"},
      {"created_by":"RUN /bin/sh -c rm -rf /dir2file && echo 'now a file' > /dir2file  && rm /file2dir && mkdir /file2dir && echo y > /file2dir/child  && rm /readd.txt /single.txt  && rm -rf /gone # buildkit"},
      {"created_by":"RUN /bin/sh -c echo 'second life' > /readd.txt # buildkit"},
      {"created_by":"RUN /bin/sh -c mkdir /scratchpad && echo temp > /scratchpad/ephemeral.txt && rm /scratchpad/ephemeral.txt  && echo temp > /tmp/ephemeral.txt && rm /tmp/ephemeral.txt # buildkit"},
      {"created_by":"RUN /bin/sh -c true # buildkit"},
      {"created_by":"CMD [\"/bin/sh\"]","empty_layer":true},
    ],
  },
  "names:legacy": {
    dockerfile: "# Layerlens fixture \"names\": path names that break naive tar readers, tree views\n# and HTML (spaces, quotes, newline, tab, backslash, unicode, invalid UTF-8, markup,\n# >100-char paths / names / link targets), then whiteouts of some of them.\nFROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\",\"--install\",\"-s\",\"/bin\"]\nWORKDIR /names\nENV LAYERLENS_FIXTURE=names\n\nRUN touch 'with space.txt' \"it's \\\"quoted\\\".txt\" 'back\\slash.txt' \\\n && touch \"$(printf 'new\\nline.txt')\" \"$(printf 'tab\\there.txt')\" \\\n && touch 'ünïcødé-文件.txt' 'emoji-🐳.txt' \\\n && touch \"$(printf 'latin1-\\351.txt')\" \\\n && touch '<img src=x onerror=alert(1)>.txt' \\\n && mkdir '<script>alert(1)<' && echo xss > '<script>alert(1)</script>' \\\n && touch -- '-leading-dash' '.hidden' '..dots..' '%20percent%2F' '$HOME' '*star?'\n\n# Long names: a 60-char dir three deep (path > 180 chars), a 204-char file name,\n# a symlink and a hardlink whose targets are longer than tar's 100-byte fields.\nRUN a=$(printf '%060d' 0 | tr 0 a) && n=$(printf '%0200d' 0 | tr 0 n) \\\n && mkdir -p \"/long/$a/$a/$a\" \\\n && echo deep > \"/long/$a/$a/$a/file-at-depth.txt\" \\\n && echo long > \"/long/$n.txt\" \\\n && ln -s \"/long/$a/$a/$a/file-at-depth.txt\" /long/symlink-to-long-target \\\n && ln \"/long/$a/$a/$a/file-at-depth.txt\" \"/long/$a/hardlink-to-long-target\"\n\n# Whiteouts of odd and long names.\nRUN rm 'with space.txt' \"$(printf 'new\\nline.txt')\" 'ünïcødé-文件.txt' \\\n && rm \"/long/$(printf '%0200d' 0 | tr 0 n).txt\"\n\nUSER 1000\nCMD [\"/bin/sh\"]\n",
    history: [
      {"created_by":"/bin/sh -c #(nop) COPY file:7027c77992f5b5a06465828d75ae4ff9adcec5f94bc05d3f683eb205e0ec1ac0 in /bin/busybox "},
      {"created_by":"/bin/busybox --install -s /bin"},
      {"created_by":"/bin/sh -c #(nop) WORKDIR /names"},
      {"created_by":"/bin/sh -c #(nop)  ENV LAYERLENS_FIXTURE=names","empty_layer":true},
      {"created_by":"/bin/sh -c touch 'with space.txt' \"it's \\\"quoted\\\".txt\" 'back\\slash.txt'  && touch \"$(printf 'new\\nline.txt')\" \"$(printf 'tab\\there.txt')\"  && touch 'ünïcødé-文件.txt' 'emoji-🐳.txt'  && touch \"$(printf 'latin1-\\351.txt')\"  && touch '<img src=x onerror=alert(1)>.txt'  && mkdir '<script>alert(1)<' && echo xss > '<script>alert(1)</script>'  && touch -- '-leading-dash' '.hidden' '..dots..' '%20percent%2F' '$HOME' '*star?'"},
      {"created_by":"/bin/sh -c a=$(printf '%060d' 0 | tr 0 a) && n=$(printf '%0200d' 0 | tr 0 n)  && mkdir -p \"/long/$a/$a/$a\"  && echo deep > \"/long/$a/$a/$a/file-at-depth.txt\"  && echo long > \"/long/$n.txt\"  && ln -s \"/long/$a/$a/$a/file-at-depth.txt\" /long/symlink-to-long-target  && ln \"/long/$a/$a/$a/file-at-depth.txt\" \"/long/$a/hardlink-to-long-target\""},
      {"created_by":"/bin/sh -c rm 'with space.txt' \"$(printf 'new\\nline.txt')\" 'ünïcødé-文件.txt'  && rm \"/long/$(printf '%0200d' 0 | tr 0 n).txt\""},
      {"created_by":"/bin/sh -c #(nop)  USER 1000","empty_layer":true},
      {"created_by":"/bin/sh -c #(nop)  CMD [\"/bin/sh\"]","empty_layer":true},
      {"created_by":"/bin/sh -c #(nop)  LABEL layerlens.fixture-hash=f9c71a95de3d571801b66a966dc684fb1066c5ee801fed7c12a90c9841cf408d","empty_layer":true},
    ],
  },
  "names:buildkit": {
    dockerfile: "# Layerlens fixture \"names\": path names that break naive tar readers, tree views\n# and HTML (spaces, quotes, newline, tab, backslash, unicode, invalid UTF-8, markup,\n# >100-char paths / names / link targets), then whiteouts of some of them.\nFROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\",\"--install\",\"-s\",\"/bin\"]\nWORKDIR /names\nENV LAYERLENS_FIXTURE=names\n\nRUN touch 'with space.txt' \"it's \\\"quoted\\\".txt\" 'back\\slash.txt' \\\n && touch \"$(printf 'new\\nline.txt')\" \"$(printf 'tab\\there.txt')\" \\\n && touch 'ünïcødé-文件.txt' 'emoji-🐳.txt' \\\n && touch \"$(printf 'latin1-\\351.txt')\" \\\n && touch '<img src=x onerror=alert(1)>.txt' \\\n && mkdir '<script>alert(1)<' && echo xss > '<script>alert(1)</script>' \\\n && touch -- '-leading-dash' '.hidden' '..dots..' '%20percent%2F' '$HOME' '*star?'\n\n# Long names: a 60-char dir three deep (path > 180 chars), a 204-char file name,\n# a symlink and a hardlink whose targets are longer than tar's 100-byte fields.\nRUN a=$(printf '%060d' 0 | tr 0 a) && n=$(printf '%0200d' 0 | tr 0 n) \\\n && mkdir -p \"/long/$a/$a/$a\" \\\n && echo deep > \"/long/$a/$a/$a/file-at-depth.txt\" \\\n && echo long > \"/long/$n.txt\" \\\n && ln -s \"/long/$a/$a/$a/file-at-depth.txt\" /long/symlink-to-long-target \\\n && ln \"/long/$a/$a/$a/file-at-depth.txt\" \"/long/$a/hardlink-to-long-target\"\n\n# Whiteouts of odd and long names.\nRUN rm 'with space.txt' \"$(printf 'new\\nline.txt')\" 'ünïcødé-文件.txt' \\\n && rm \"/long/$(printf '%0200d' 0 | tr 0 n).txt\"\n\nUSER 1000\nCMD [\"/bin/sh\"]\n",
    history: [
      {"created_by":"COPY busybox /bin/busybox # buildkit"},
      {"created_by":"RUN /bin/busybox --install -s /bin # buildkit"},
      {"created_by":"WORKDIR /names"},
      {"created_by":"ENV LAYERLENS_FIXTURE=names","empty_layer":true},
      {"created_by":"RUN /bin/sh -c touch 'with space.txt' \"it's \\\"quoted\\\".txt\" 'back\\slash.txt'  && touch \"$(printf 'new\\nline.txt')\" \"$(printf 'tab\\there.txt')\"  && touch 'ünïcødé-文件.txt' 'emoji-🐳.txt'  && touch \"$(printf 'latin1-\\351.txt')\"  && touch '<img src=x onerror=alert(1)>.txt'  && mkdir '<script>alert(1)<' && echo xss > '<script>alert(1)</script>'  && touch -- '-leading-dash' '.hidden' '..dots..' '%20percent%2F' '$HOME' '*star?' # buildkit"},
      {"created_by":"RUN /bin/sh -c a=$(printf '%060d' 0 | tr 0 a) && n=$(printf '%0200d' 0 | tr 0 n)  && mkdir -p \"/long/$a/$a/$a\"  && echo deep > \"/long/$a/$a/$a/file-at-depth.txt\"  && echo long > \"/long/$n.txt\"  && ln -s \"/long/$a/$a/$a/file-at-depth.txt\" /long/symlink-to-long-target  && ln \"/long/$a/$a/$a/file-at-depth.txt\" \"/long/$a/hardlink-to-long-target\" # buildkit"},
      {"created_by":"RUN /bin/sh -c rm 'with space.txt' \"$(printf 'new\\nline.txt')\" 'ünïcødé-文件.txt'  && rm \"/long/$(printf '%0200d' 0 | tr 0 n).txt\" # buildkit"},
      {"created_by":"USER 1000","empty_layer":true},
      {"created_by":"CMD [\"/bin/sh\"]","empty_layer":true},
    ],
  },
};

/**
 * Probe Dockerfiles built once (FROM scratch, --network none, the legacy build with --build-arg B=two) to record how
 * each builder writes each instruction: every instruction kind in two stages; heredocs and --mount (BuildKit of
 * Engine 26: 20.10's cannot parse heredocs); the escape directive with continuations, ENV and relative WORKDIRs.
 */
export const PROBE_BUILDS: Record<string, RecordedBuild> = {
  "every-instruction:legacy": {
    dockerfile: "ARG GLOBAL=one\nFROM scratch AS build\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\",\"--install\",\"-s\",\"/bin\"]\nARG A=1\nARG B\nENV HOME=/root P=/opt/$A\nWORKDIR /srv\nWORKDIR sub\nCOPY b.txt c.txt ./\nCOPY --chown=1:2 dir /x/\nADD b.txt /added.txt\nRUN echo $A $B > /args.txt\nFROM build\nARG GLOBAL\nCOPY --from=build /args.txt /final/\nENV X=\"a b\" Y=c\nLABEL a=1 \"b c\"=\"d e\"\nEXPOSE 80 53/udp 8000-8002\nVOLUME /data [\"/v2\"]\nUSER 1:2\nSTOPSIGNAL SIGTERM\nSHELL [\"/bin/sh\", \"-e\", \"-c\"]\nRUN echo shell $GLOBAL\nHEALTHCHECK --interval=5s CMD true\nONBUILD RUN echo onbuild\nENTRYPOINT echo hi\nCMD echo there\nMAINTAINER someone\n",
    history: [
      {"created_by":"/bin/sh -c #(nop) COPY file:7027c77992f5b5a06465828d75ae4ff9adcec5f94bc05d3f683eb205e0ec1ac0 in /bin/busybox "},
      {"created_by":"/bin/busybox --install -s /bin"},
      {"created_by":"/bin/sh -c #(nop)  ARG A=1"},
      {"created_by":"/bin/sh -c #(nop)  ARG B"},
      {"created_by":"/bin/sh -c #(nop)  ENV HOME=/root P=/opt/1"},
      {"created_by":"/bin/sh -c #(nop) WORKDIR /srv"},
      {"created_by":"/bin/sh -c #(nop) WORKDIR /srv/sub"},
      {"created_by":"/bin/sh -c #(nop) COPY multi:f66133b836f549aec901b94fdc61e3040485566dd460ad1c0e32ced7189cda59 in ./ "},
      {"created_by":"/bin/sh -c #(nop) COPY --chown=1:2dir:d016d4a5771a86d2dbb58df7c60c235caaa3248fe17004a89fb2d9cb64d15d79 in /x/ "},
      {"created_by":"/bin/sh -c #(nop) ADD file:93cfd1ad2ea9a4cc9e413b70220a769e7495126fa2e92fdf10989626b5437bc7 in /added.txt "},
      {"created_by":"|2 A=1 B=two /bin/sh -c echo $A $B > /args.txt"},
      {"created_by":"/bin/sh -c #(nop)  ARG GLOBAL"},
      {"created_by":"/bin/sh -c #(nop) COPY file:3773444682ea17a18fa261d890bc1d51a73f3523e522e5efb8e893da21946b87 in /final/ "},
      {"created_by":"/bin/sh -c #(nop)  ENV X=a b Y=c"},
      {"created_by":"/bin/sh -c #(nop)  LABEL a=1 b c=d e"},
      {"created_by":"/bin/sh -c #(nop)  EXPOSE 53/udp 80 8000-8002"},
      {"created_by":"/bin/sh -c #(nop)  VOLUME [/data [/v2]]"},
      {"created_by":"/bin/sh -c #(nop)  USER 1:2"},
      {"created_by":"/bin/sh -c #(nop)  STOPSIGNAL SIGTERM"},
      {"created_by":"/bin/sh -e -c #(nop)  SHELL [/bin/sh -e -c]"},
      {"created_by":"|1 GLOBAL=one /bin/sh -e -c echo shell $GLOBAL"},
      {"created_by":"/bin/sh -e -c #(nop)  HEALTHCHECK &{[\"CMD-SHELL\" \"true\"] \"5s\" \"0s\" \"0s\" '\\x00'}"},
      {"created_by":"/bin/sh -e -c #(nop)  ONBUILD RUN echo onbuild"},
      {"created_by":"/bin/sh -e -c #(nop)  ENTRYPOINT [\"/bin/sh\" \"-e\" \"-c\" \"echo hi\"]"},
      {"created_by":"/bin/sh -e -c #(nop)  CMD [\"/bin/sh\" \"-e\" \"-c\" \"echo there\"]"},
      {"created_by":"/bin/sh -e -c #(nop)  MAINTAINER someone"},
    ],
  },
  "every-instruction:buildkit": {
    dockerfile: "ARG GLOBAL=one\nFROM scratch AS build\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\",\"--install\",\"-s\",\"/bin\"]\nARG A=1\nARG B\nENV HOME=/root P=/opt/$A\nWORKDIR /srv\nWORKDIR sub\nCOPY b.txt c.txt ./\nCOPY --chown=1:2 dir /x/\nADD b.txt /added.txt\nRUN echo $A $B > /args.txt\nFROM build\nARG GLOBAL\nCOPY --from=build /args.txt /final/\nENV X=\"a b\" Y=c\nLABEL a=1 \"b c\"=\"d e\"\nEXPOSE 80 53/udp 8000-8002\nVOLUME /data [\"/v2\"]\nUSER 1:2\nSTOPSIGNAL SIGTERM\nSHELL [\"/bin/sh\", \"-e\", \"-c\"]\nRUN echo shell $GLOBAL\nHEALTHCHECK --interval=5s CMD true\nONBUILD RUN echo onbuild\nENTRYPOINT echo hi\nCMD echo there\nMAINTAINER someone\n",
    history: [
      {"created_by":"COPY busybox /bin/busybox # buildkit"},
      {"created_by":"RUN /bin/busybox --install -s /bin # buildkit"},
      {"created_by":"ARG A=1"},
      {"created_by":"ARG B"},
      {"created_by":"ENV HOME=/root P=/opt/1"},
      {"created_by":"WORKDIR /srv"},
      {"created_by":"WORKDIR /srv/sub"},
      {"created_by":"COPY b.txt c.txt ./ # buildkit"},
      {"created_by":"COPY dir /x/ # buildkit"},
      {"created_by":"ADD b.txt /added.txt # buildkit"},
      {"created_by":"RUN |2 A=1 B=two /bin/sh -c echo $A $B > /args.txt # buildkit"},
      {"created_by":"ARG GLOBAL"},
      {"created_by":"COPY /args.txt /final/ # buildkit"},
      {"created_by":"ENV X=a b Y=c"},
      {"created_by":"LABEL a=1 b c=d e"},
      {"created_by":"EXPOSE map[53/udp:{} 80/tcp:{} 8000/tcp:{} 8001/tcp:{} 8002/tcp:{}]"},
      {"created_by":"VOLUME [/data [/v2]]"},
      {"created_by":"USER 1:2"},
      {"created_by":"STOPSIGNAL SIGTERM"},
      {"created_by":"SHELL [/bin/sh -e -c]"},
      {"created_by":"RUN |1 GLOBAL=one /bin/sh -e -c echo shell $GLOBAL # buildkit"},
      {"created_by":"HEALTHCHECK &{[\"CMD-SHELL\" \"true\"] \"5s\" \"0s\" \"0s\" '\\x00'}"},
      {"created_by":"ENTRYPOINT [\"/bin/sh\" \"-e\" \"-c\" \"echo hi\"]"},
      {"created_by":"CMD [\"/bin/sh\" \"-e\" \"-c\" \"echo there\"]"},
      {"created_by":"MAINTAINER someone"},
    ],
  },
  "heredoc:buildkit-26": {
    dockerfile: "FROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\",\"--install\",\"-s\",\"/bin\"]\nRUN --mount=type=tmpfs,target=/cache echo mounted \\\n  && echo second\nRUN <<EOF\necho one > /one\necho two   >  /two\nEOF\nRUN cat <<EOT > /three\nthree\nEOT\nCOPY <<EOF /inline.txt\nhello\nEOF\nRUN echo \"a # b\"  # trailing\n",
    history: [
      {"created_by":"COPY busybox /bin/busybox # buildkit"},
      {"created_by":"RUN /bin/busybox --install -s /bin # buildkit"},
      {"created_by":"RUN /bin/sh -c echo mounted   && echo second # buildkit"},
      {"created_by":"RUN /bin/sh -c echo one > /one\necho two   >  /two\n # buildkit"},
      {"created_by":"RUN /bin/sh -c cat <<EOT > /three\nthree\nEOT # buildkit"},
      {"created_by":"COPY <<EOF /inline.txt # buildkit"},
      {"created_by":"RUN /bin/sh -c echo \"a # b\"  # trailing # buildkit"},
    ],
  },
  "escape:legacy": {
    dockerfile: "# escape=`\nFROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\",\"--install\",\"-s\",\"/bin\"]\nENV APP=/srv/app NAME=\"my app\"\nWORKDIR $APP\nWORKDIR sub\nCOPY src/ ./src/\nCOPY . .\nRUN echo one `\n    && echo \"two\\three\" `\n# a comment inside\n    && echo three\nUSER 1000\n",
    history: [
      {"created_by":"/bin/sh -c #(nop) COPY file:7027c77992f5b5a06465828d75ae4ff9adcec5f94bc05d3f683eb205e0ec1ac0 in /bin/busybox "},
      {"created_by":"/bin/busybox --install -s /bin"},
      {"created_by":"/bin/sh -c #(nop)  ENV APP=/srv/app NAME=my app"},
      {"created_by":"/bin/sh -c #(nop) WORKDIR /srv/app"},
      {"created_by":"/bin/sh -c #(nop) WORKDIR /srv/app/sub"},
      {"created_by":"/bin/sh -c #(nop) COPY dir:0b493dc3878de53d00d8d27e960c3081dd1edb2330d4788ea49b46235ebfb0ed in ./src/ "},
      {"created_by":"/bin/sh -c #(nop) COPY dir:1d37dd1e475f70e93375c53fc444a8c3f3037f9303ff02135e2b305f9b2380d4 in . "},
      {"created_by":"/bin/sh -c echo one     && echo \"two\\three\"     && echo three"},
      {"created_by":"/bin/sh -c #(nop)  USER 1000"},
    ],
  },
  "escape:buildkit": {
    dockerfile: "# escape=`\nFROM scratch\nCOPY busybox /bin/busybox\nRUN [\"/bin/busybox\",\"--install\",\"-s\",\"/bin\"]\nENV APP=/srv/app NAME=\"my app\"\nWORKDIR $APP\nWORKDIR sub\nCOPY src/ ./src/\nCOPY . .\nRUN echo one `\n    && echo \"two\\three\" `\n# a comment inside\n    && echo three\nUSER 1000\n",
    history: [
      {"created_by":"COPY busybox /bin/busybox # buildkit"},
      {"created_by":"RUN /bin/busybox --install -s /bin # buildkit"},
      {"created_by":"ENV APP=/srv/app NAME=my app"},
      {"created_by":"WORKDIR /srv/app"},
      {"created_by":"WORKDIR /srv/app/sub"},
      {"created_by":"COPY src/ ./src/ # buildkit"},
      {"created_by":"COPY . . # buildkit"},
      {"created_by":"RUN /bin/sh -c echo one     && echo \"two\\three\"     && echo three # buildkit"},
      {"created_by":"USER 1000"},
    ],
  },
};
