// A small image built by hand with the Dockerfile that made it, for the editor's unit tests (not a test file
// itself): layer 1 leaves apt lists and a file with a hostile name, and ships a file that layer 2 deletes.
import { analyzeImage } from '../../src/core/analysis/analysis';
import { explainLayer } from '../../src/core/explain/explainLayer';
import type { Finding as ExplainFinding } from '../../src/core/explain/explanation';
import { ImageModel } from '../../src/core/model/imageModel';
import { imageFacts, type ImageFacts } from '../../src/dockerfile/imageFacts';
import { dir, file, image, layer } from './helpers';

export const HOSTILE_NAME = '/app/<img src=x onerror=alert(1)>[x](javascript:alert(1)).txt';
export const IMAGE_ID = 'sha256:' + 'ab'.repeat(32);
export const IMAGE_LABEL = 'example/app:dev';

export const DOCKERFILE = [
  '# the app', //                                         line 0
  'FROM scratch', //                                       line 1
  'COPY busybox /bin/busybox', //                          line 2: layer 0
  'RUN mkdir -p /var/lib/apt/lists /app \\', //            line 3: layer 1 (two lines)
  '    && make big', //                                    line 4
  'ENV A=1', //                                            line 5: metadata only
  'RUN rm -rf /app/big && echo n > /app/new', //           line 6: layer 2
  '',
].join('\n');

export function exampleModel(): ImageModel {
  const data = image(
    [
      layer([dir('/bin'), file('/bin/busybox', 100, 'B')]),
      layer([
        dir('/app'),
        file('/app/big', 1000, 'G'),
        file(HOSTILE_NAME, 50, 'H'),
        dir('/var'),
        dir('/var/lib'),
        dir('/var/lib/apt'),
        dir('/var/lib/apt/lists'),
        file('/var/lib/apt/lists/deb_Packages', 300000, 'P'),
      ]),
      layer([dir('/app'), file('/app/new', 7, 'N')], { whiteouts: ['/app/big'] }),
    ],
    {
      history: [
        { created_by: `/bin/sh -c #(nop) COPY file:${'c'.repeat(64)} in /bin/busybox ` },
        { created_by: '/bin/sh -c mkdir -p /var/lib/apt/lists /app     && make big' },
        { created_by: '/bin/sh -c #(nop)  ENV A=1', empty_layer: true },
        { created_by: '/bin/sh -c rm -rf /app/big && echo n > /app/new' },
      ],
    },
  );
  return new ImageModel({ ...data, id: IMAGE_ID, repoTags: [IMAGE_LABEL] });
}

/** The facts the extension computes once per image, computed the same way. */
export function exampleFacts(): { facts: ImageFacts; explained: ExplainFinding[][] } {
  const model = exampleModel();
  const analysis = analyzeImage(model);
  const explained = Array.from({ length: model.layerCount }, (_, layer) => explainLayer(model, analysis, layer).findings);
  return { facts: imageFacts({ id: IMAGE_ID, label: IMAGE_LABEL, steps: model.steps }, analysis, (layer) => explained[layer]), explained };
}
