import * as fs from 'node:fs';
import * as path from 'node:path';
import { ModelFileError } from './errors';
import { writeFileAtomic } from './fs-safe';
import * as tf from './tf';

const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/** The work is synchronous; a throw still arrives as a rejection, as tfjs's handlers expect. */
function settle<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}

function toDir(dir: string): string {
  return path.resolve(dir.startsWith('file://') ? dir.slice('file://'.length) : dir);
}

function readJson(file: string): tf.io.ModelJSON {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ModelFileError(`${file}: cannot read model file (${(err as Error).message})`);
  }
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(text) as tf.io.ModelJSON;
  } catch (err) {
    throw new ModelFileError(`${file}: invalid JSON (${(err as Error).message})`);
  }
  if (json === null || typeof json !== 'object' || json.modelTopology == null) {
    throw new ModelFileError(`${file}: expected a tfjs model.json with a 'modelTopology' field`);
  }
  return json;
}

/**
 * An IOHandler that saves and loads `DIR/model.json` + `DIR/weights.bin` with node:fs, the
 * layout of tfjs-node's `file://` handler, on any backend (tfjs-node is not needed).
 * Use with `model.save(fileHandler(dir))` and `tf.loadLayersModel(fileHandler(dir))`.
 *
 * @param dir the model's directory, a path or a `file://` URL
 */
export function fileHandler(dir: string): tf.io.IOHandler {
  const root = toDir(dir);
  return {
    save: (artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> => settle(() => saveArtifacts(root, artifacts)),
    async load(): Promise<tf.io.ModelArtifacts> {
      const file = path.join(root, MODEL_JSON);
      const json = readJson(file);
      return tf.io.getModelArtifactsForJSON(json, (manifest) => settle(() => readWeights(root, file, manifest)));
    },
  };
}

function saveArtifacts(root: string, artifacts: tf.io.ModelArtifacts): tf.io.SaveResult {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new ModelFileError(`${root}: expected a JSON model topology; found binary (graph models are not supported)`);
  }
  fs.mkdirSync(root, { recursive: true });
  const weights = artifacts.weightData ? new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData)) : new Uint8Array(0);
  writeFileAtomic(path.join(root, WEIGHTS_BIN), weights);
  writeFileAtomic(path.join(root, MODEL_JSON), JSON.stringify(modelJsonOf(artifacts)));
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: 'JSON',
      modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
      weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
      weightDataBytes: weights.byteLength,
    },
  };
}

/** model.json for `artifacts`, its weights manifest pointing at the single weights.bin. */
function modelJsonOf(artifacts: tf.io.ModelArtifacts): tf.io.ModelJSON {
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
  };
  if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
  if (artifacts.signature) modelJson.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.modelInitializer) modelJson.modelInitializer = artifacts.modelInitializer;
  return modelJson;
}

/** The weight files the manifest in `file` names, joined; refused when their size differs from what the manifest describes. */
function readWeights(root: string, file: string, manifest: tf.io.WeightsManifestConfig): [tf.io.WeightsManifestEntry[], ArrayBuffer] {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of manifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const wfile = path.join(root, p);
      let buf: Buffer;
      try {
        buf = fs.readFileSync(wfile);
      } catch (err) {
        throw new ModelFileError(`${wfile}: cannot read weights named in ${file} (${(err as Error).message})`);
      }
      buffers.push(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
    }
  }
  const data = tf.io.CompositeArrayBuffer.join(buffers);
  const need = specs.reduce((n, s) => n + sizeOf(s), 0);
  if (data.byteLength !== need) {
    throw new ModelFileError(`${root}: weights hold ${data.byteLength} bytes; the manifest in ${file} describes ${need}`);
  }
  return [specs, data];
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2, uint16: 2 };

function sizeOf(spec: tf.io.WeightsManifestEntry): number {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const per = BYTES[dtype];
  if (per === undefined) throw new ModelFileError(`weight '${spec.name}': unsupported dtype '${dtype}'`);
  return n * per;
}
