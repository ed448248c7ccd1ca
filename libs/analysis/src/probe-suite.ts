import { tf } from '@sugar-lab/core';
import { ActivationProbe, type LayerUnitStats } from './activation-probe';
import { ProbeError } from './errors';
import { GradientNormMeter } from './gradient-norms';

/** Probe settings (plain, serializable; part of a training config). */
export interface ProbeConfig {
  /** Run the probes at all (default true). */
  enabled?: boolean;
  /** Probe set: the first `size` training samples (default 512). */
  size?: number;
  /** Samples per probe forward pass (default 256). */
  batchSize?: number;
  /** Kernel-gradient norms are taken every `gradEvery`-th step, 0 = never (default 10). */
  gradEvery?: number;
  /** Also write per-unit activation probabilities into each epoch's record (default false). */
  perUnit?: boolean;
  /** Layer names to probe (default: every activation layer). */
  layers?: string[];
}

export const PROBE_DEFAULTS: Required<Omit<ProbeConfig, 'layers'>> = {
  enabled: true,
  size: 512,
  batchSize: 256,
  gradEvery: 10,
  perUnit: false,
};

/** Compact per-layer numbers kept in each epoch's metrics. */
export interface LayerProbeSummary {
  layer: string;
  units: number;
  /** Units never positive on the probe set. */
  dead: number;
  deadFraction: number;
  /** Mean over units of P(pre-activation > 0). */
  activationProb: number;
  /** Fraction of exact zeros after the activation. */
  sparsity: number;
  preMean: number;
  preStd: number;
  /** Units dead at some earlier measurement (epoch 0 = before training included) and alive now. */
  resurrected: number;
  /** Units alive at the previous measurement and dead now. */
  newlyDead: number;
  /** Per-unit activation probabilities, only with `perUnit`. */
  unitProb?: number[];
}

export interface ProbeRecord {
  layers: LayerProbeSummary[];
  /** Over all probed units of all layers. */
  deadFraction: number;
  /** Mean of the layers' sparsity, weighted by units. */
  sparsity: number;
  resurrected: number;
  /** Mean L2 norm of each layer's kernel gradient over the sampled steps of the epoch. */
  gradNorms?: Record<string, number>;
  /** How many steps the gradient norms average over. */
  gradSteps: number;
}

/** What a probe suite must carry across a checkpoint to continue identically. */
export interface ProbeState {
  /** Per layer, a '0'/'1' string per unit: dead at any measurement so far. */
  everDead: string[];
  /** Per layer, the dead mask at the last measurement. */
  lastDead: string[];
}

const toBits = (m: Uint8Array) => Array.from(m, (b) => (b ? '1' : '0')).join('');
const fromBits = (s: string) => Uint8Array.from(s, (c) => (c === '1' ? 1 : 0));

/**
 * The probes of one training run: activation statistics on a fixed probe set, kernel-gradient
 * norms on sampled steps, and resurrection bookkeeping between measurements.
 */
export class ProbeSuite {
  readonly config: Required<Omit<ProbeConfig, 'layers'>> & { layers?: string[] };
  readonly probe: ActivationProbe;
  readonly grads: GradientNormMeter;
  private everDead: Uint8Array[] | undefined;
  private lastDead: Uint8Array[] | undefined;

  /**
   * Sets up the activation probe and the gradient meter. `probeX` is the probe set itself (the caller slices the
   * first `size` samples).
   *
   * @param model the model being trained; every measurement reads its current weights
   * @param probeX the probe samples, along the first axis; copied, the caller keeps ownership
   * @param config which probes run and how (`gradEvery` default 10, `batchSize` default 256, `perUnit` default false,
   *   `layers` default every activation layer)
   */
  constructor(model: tf.LayersModel, probeX: tf.Tensor, config: ProbeConfig = {}) {
    this.config = { ...PROBE_DEFAULTS, ...stripUndefined(config) };
    const g = this.config.gradEvery;
    if (!Number.isInteger(g) || g < 0) throw new ProbeError(`probes.gradEvery must be an integer >= 0; found ${g}`);
    this.probe = new ActivationProbe(model, probeX, { layers: this.config.layers, batchSize: this.config.batchSize });
    this.grads = new GradientNormMeter(model);
  }

  /**
   * Whether global step `step` (0-based) is one whose gradients should be measured.
   *
   * @param step the global training step, counted from 0 across epochs
   */
  wantsGradients(step: number): boolean {
    return this.config.gradEvery > 0 && step % this.config.gradEvery === 0;
  }

  /**
   * Feeds one step's gradients (keyed by variable name).
   *
   * @param grads the step's gradients keyed by variable name, as tf.variableGrads returns them; not disposed
   */
  recordGradients(grads: tf.NamedTensorMap): void {
    this.grads.accumulate(grads);
  }

  /**
   * Feeds one step's kernel-gradient norms computed elsewhere (see GradientNormMeter.accumulateNorms).
   *
   * @param norms one L2 norm per kernel layer, in the meter's `layerNames` order; the caller keeps ownership
   */
  recordGradientNorms(norms: tf.Tensor1D): void {
    this.grads.accumulateNorms(norms);
  }

  /**
   * Measures now (or takes `measured`, the probe's statistics computed elsewhere), updates resurrection bookkeeping,
   * and returns the compact record and the per-unit detail.
   *
   * @param measured the probe's per-layer statistics when computed elsewhere (a fused forward pass); omitted, the
   *   probe measures now
   */
  measure(measured?: LayerUnitStats[]): { record: ProbeRecord; units: LayerUnitStats[] } {
    const units = measured ?? this.probe.measure();
    const gradSteps = this.grads.steps;
    const gradNorms = this.grads.read();
    const first = !this.everDead;
    const everDead = this.everDead ?? units.map((u) => new Uint8Array(u.units));
    const lastDead = this.lastDead ?? units.map((u) => new Uint8Array(u.units));
    let deadTotal = 0;
    let unitTotal = 0;
    let zeroWeighted = 0;
    let resurrectedTotal = 0;
    const layers = units.map((u, i): LayerProbeSummary => {
      let resurrected = 0;
      let newlyDead = 0;
      for (let k = 0; k < u.units; k++) {
        if (!first && everDead[i][k] && !u.dead[k]) resurrected++;
        if (!first && !lastDead[i][k] && u.dead[k]) newlyDead++;
        if (u.dead[k]) everDead[i][k] = 1;
      }
      lastDead[i] = u.dead.slice();
      deadTotal += u.deadCount;
      unitTotal += u.units;
      zeroWeighted += u.sparsity * u.units;
      resurrectedTotal += resurrected;
      const s: LayerProbeSummary = {
        layer: u.layer,
        units: u.units,
        dead: u.deadCount,
        deadFraction: u.deadFraction,
        activationProb: u.meanActivationProb,
        sparsity: u.sparsity,
        preMean: u.preMean,
        preStd: u.preStd,
        resurrected,
        newlyDead,
      };
      if (this.config.perUnit) s.unitProb = Array.from(u.activationProb);
      return s;
    });
    this.everDead = everDead;
    this.lastDead = lastDead;
    const record: ProbeRecord = {
      layers,
      deadFraction: deadTotal / unitTotal,
      sparsity: zeroWeighted / unitTotal,
      resurrected: resurrectedTotal,
      gradSteps,
    };
    if (gradNorms) record.gradNorms = gradNorms;
    return { record, units };
  }

  /** The resurrection bookkeeping to save in a checkpoint; undefined before the first measurement. */
  getState(): ProbeState | undefined {
    if (!this.everDead || !this.lastDead) return undefined;
    return { everDead: this.everDead.map(toBits), lastDead: this.lastDead.map(toBits) };
  }

  /**
   * Restores the bookkeeping saved by `getState`, so a resumed run counts resurrections as if never stopped.
   *
   * @param state the saved state, one mask per probed layer of the same unit counts; undefined starts afresh
   */
  setState(state: ProbeState | undefined): void {
    if (!state) {
      this.everDead = this.lastDead = undefined;
      return;
    }
    const units = this.probe.units;
    const check = (masks: string[], what: string) => {
      if (masks.length !== units.length || masks.some((m, i) => m.length !== units[i])) {
        throw new ProbeError(
          `ProbeSuite.setState: ${what} expected ${units.length} layers of ${units.join(', ')} units; found ${masks.length} layers of ${masks.map((m) => m.length).join(', ')}`,
        );
      }
    };
    check(state.everDead, 'everDead');
    check(state.lastDead, 'lastDead');
    this.everDead = state.everDead.map(fromBits);
    this.lastDead = state.lastDead.map(fromBits);
  }

  /** Frees the probe set's copy and the gradient meter's sum. */
  dispose(): void {
    this.probe.dispose();
    this.grads.dispose();
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
