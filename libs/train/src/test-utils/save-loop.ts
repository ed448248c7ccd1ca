// Saves checkpoints in a tight loop until killed, so a SIGKILL lands inside saveCheckpoint.
// Each checkpoint's tensors are filled with its epoch number. Args: root startEpoch.
import { initBackend, tf } from '@sugar-lab/core';
import { saveCheckpoint } from '../checkpoint';

async function main(): Promise<void> {
  const [root, start] = process.argv.slice(2);
  await initBackend('cpu', { quiet: true });
  for (let epoch = Number(start); ; epoch++) {
    const w = tf.fill([256, 1024], epoch);
    const m = tf.fill([1024], epoch, 'int32');
    saveCheckpoint(root, epoch, { epoch }, [{ name: 'w', tensor: w }], [{ name: 'm/0', tensor: m }]);
    tf.dispose([w, m]);
    process.stdout.write(`saved ${epoch}\n`);
  }
}

void main();
