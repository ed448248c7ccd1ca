// The playground as a static site: index.html + one bundle, built from the libs' browser entries, with
// tfjs-backend-wasm's binaries copied to dist/wasm/ (where the page's setWasmPaths looks, relative to the page, so
// the dist works from any path of any static file server).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const WASM_DIR = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));

function copyWasm(outDir: string): Plugin {
  return {
    name: 'sugar-copy-wasm',
    apply: 'build',
    closeBundle() {
      const dest = path.join(outDir, 'wasm');
      fs.mkdirSync(dest, { recursive: true });
      for (const f of fs.readdirSync(WASM_DIR).filter((f) => f.endsWith('.wasm'))) fs.copyFileSync(path.join(WASM_DIR, f), path.join(dest, f));
    },
  };
}

const outDir = path.join(__dirname, 'dist');

export default defineConfig({
  root: __dirname,
  base: './',
  logLevel: 'warn',
  plugins: [copyWasm(outDir)],
  build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1e9, reportCompressedSize: false },
});
