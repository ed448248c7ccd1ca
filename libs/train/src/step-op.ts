import { tf } from '@sugar-lab/core';
import type { EpochMeasured } from './fit-epoch';
import { stateTensors } from './finite-state';
import type { Member, PackStepResult, TrainStep } from './step';
import { trainStep } from './train-step';

/** One member, op by op through the tfjs engine: any model, any backend; the model's own variables are updated. */
export class OpStep implements TrainStep {
  readonly members: readonly Member[];

  constructor(member: Member) {
    this.members = [member];
  }

  step(epoch: number, idx: Int32Array[], lrs: number[]): PackStepResult {
    const { run } = this.members[0];
    const probes = run.probes;
    const measureGrads = probes?.wantsGradients(run.step) ?? false;
    const { x, y } = run.source.batch('train', idx[0], epoch);
    try {
      const r = trainStep(run.model, run.variables, run.optimizer, x, y, lrs[0], measureGrads ? (g) => probes!.recordGradients(g) : undefined);
      return { losses: Float32Array.of(r.loss), rights: Float32Array.of(r.right) };
    } finally {
      tf.dispose([x, y]);
    }
  }

  sync(): void {}

  finiteSums(): boolean[] {
    const tensors = stateTensors(this.members[0].run)
      .map((s) => s.tensor)
      .filter((t) => t.dtype === 'float32');
    const total = tf.tidy(() => tf.addN(tensors.map((t) => tf.sum(t))).dataSync()[0]);
    return [Number.isFinite(total)];
  }

  measures(): EpochMeasured[] {
    return [{}];
  }

  dispose(): void {}
}
