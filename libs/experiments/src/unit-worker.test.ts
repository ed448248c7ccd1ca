import { describe, expect, it } from 'vitest';
import { lastWords, workerDeath } from './unit-worker';

// What tfjs-node prints on stderr as it loads, and a worker's own dying words after it.
const TF_START = [
  'WARNING: All log messages before absl::InitializeLog() is called are written to STDERR',
  'I0000 00:00:1796691501.085960   11640 port.cc:153] oneDNN custom operations are on. You may see slightly different numerical results.',
  'I0000 00:00:1796691501.381140   11640 cpu_feature_guard.cc:227] This TensorFlow binary is optimized to use available CPU instructions.',
  'To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild TensorFlow with the appropriate compiler flags.',
  '',
  '============================',
  'Hi, looks like you are running TensorFlow.js in Node.js. To speed things up dramatically, install our node backend, visit https://github.com/tensorflow/tfjs-node for more details. ',
  '============================',
].join('\n');

describe("a dead worker's error", () => {
  it('says what killed it and keeps its own last words, not TensorFlow start-up logs', () => {
    expect(lastWords(TF_START)).toBe('');
    expect(workerDeath(null, 'SIGKILL', TF_START, 3)).toBe(
      'worker of a unit of 3 was killed by SIGKILL (the kernel OOM killer, a scheduler or a user: see dmesg) before reporting',
    );
    const crash = `${TF_START}\nRangeError: Array buffer allocation failed\n    at new ArrayBuffer (<anonymous>)\n`;
    expect(workerDeath(1, null, crash, 1)).toBe(
      'worker exited with code 1 before reporting; its last output: RangeError: Array buffer allocation failed | at new ArrayBuffer (<anonymous>)',
    );
  });
});
