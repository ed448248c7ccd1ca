// Trains the fixture run with checkpoints and kills its own process (SIGKILL: no cleanup of any
// kind) right after epoch `crashAfter` has been checkpointed. Args: checkpointDir logPath crashAfter.
import { tinyRun } from './fixture';

const [checkpointDir, logPath, crashAfter] = process.argv.slice(2);
// A rejection still ends the process (Node's unhandled-rejection default), which the parent sees.
void tinyRun(
  { checkpointDir, logPath },
  {
    backend: 'cpu',
    callbacks: {
      onEpochEnd: (m) => {
        if (m.epoch === Number(crashAfter)) process.kill(process.pid, 'SIGKILL');
      },
    },
  },
).then(() => {
  process.exitCode = 3; // not reached when the kill works
});
