import { activationLayers, tf } from '@sugar-lab/core';
import { LandscapeError } from './errors';

type Layer = tf.layers.Layer;
type Call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];
/** Within one linear piece an activation is x * slope + offset; a 0/1 slope is kept as bool (a quarter of the memory). */
type Piece = { slope: tf.Tensor; offset?: tf.Tensor };
type PieceOf = (x: tf.Tensor) => Piece;

const step = (x: tf.Tensor) => tf.greater(x, 0);

function clipped(max: number): PieceOf {
  return (x) => ({
    slope: tf.logicalAnd(tf.greater(x, 0), tf.less(x, max)),
    offset: tf.mul(tf.cast(tf.greaterEqual(x, max), 'float32'), max),
  });
}

// The piecewise-linear activations (all ReLU-like forward functions); smooth ones need no freezing.
function pieceOf(layer: Layer): PieceOf | undefined {
  const cls = layer.getClassName();
  if (cls === 'SugarReLU') return (x) => ({ slope: step(x) });
  if (cls === 'ReLU') {
    const max = (layer as Layer & { maxValue?: number }).maxValue;
    return max == null ? (x) => ({ slope: step(x) }) : clipped(max);
  }
  if (cls === 'LeakyReLU') {
    const alpha = (layer as Layer & { alpha: number }).alpha;
    return (x) => ({ slope: tf.add(tf.mul(tf.cast(step(x), 'float32'), 1 - alpha), alpha) });
  }
  if (cls === 'Activation') {
    const act = (layer.getConfig() as { activation?: unknown }).activation;
    if (act === 'relu') return (x) => ({ slope: step(x) });
    if (act === 'relu6') return clipped(6);
  }
  return undefined;
}

function piecewiseLayers(model: tf.LayersModel): { layer: Layer; piece: PieceOf }[] {
  return activationLayers(model, { nested: true }).flatMap((layer) => {
    const piece = pieceOf(layer);
    return piece ? [{ layer, piece }] : [];
  });
}

const keepPiece = (p: Piece): Piece => (p.offset ? { slope: tf.keep(p.slope), offset: tf.keep(p.offset) } : { slope: tf.keep(p.slope) });

const single = (inputs: tf.Tensor | tf.Tensor[]) => (Array.isArray(inputs) ? inputs[0] : inputs);

/**
 * Freezes a model's ReLU-like activations in the linear piece each input is in at the current weights.
 * A ReLU network's gradient jumps wherever a unit crosses 0, so gradient differences across a tiny
 * step pick up huge spurious terms from the few units that cross; with the pieces fixed the loss is
 * smooth, has the same value, gradient and Hessian at this point (the Hessian PyTorch's double
 * backward gives, ReLU'' = 0), and finite differences converge. `record` runs the forward passes whose
 * pieces are kept (one set per batch and per call of a layer, in order); `select(batch)` picks the set
 * the next forward pass of that batch uses.
 */
export class ActivationFreeze {
  private readonly layers: { layer: Layer; piece: PieceOf; own?: PropertyDescriptor }[];
  // pieces[batch][layer][call]
  private readonly pieces: Piece[][][] = [];
  private batch = 0;
  private calls: number[] = [];

  constructor(model: tf.LayersModel, record: (select: (batch: number) => void) => void) {
    this.layers = piecewiseLayers(model).map((l) => ({ ...l, own: Object.getOwnPropertyDescriptor(l.layer, 'call') }));
    if (this.layers.length === 0) return;
    try {
      this.patch((i, x, original) => {
        const kept = tf.tidy(() => keepPiece(this.layers[i].piece(x)));
        this.pieces[this.batch][i].push(kept);
        return original();
      });
      record((b) => this.select(b));
      this.patch((i, x) => {
        const p = this.pieces[this.batch]?.[i]?.[this.calls[i]++];
        if (!p)
          throw new LandscapeError(
            `ActivationFreeze: layer '${this.layers[i].layer.name}' has no recorded piece for batch ${this.batch}, call ${this.calls[i]}`,
          );
        const linear = tf.mul(x, p.slope.dtype === 'bool' ? tf.cast(p.slope, x.dtype) : p.slope);
        return p.offset ? tf.add(linear, p.offset) : linear;
      });
    } catch (err) {
      this.release();
      throw err;
    }
  }

  /** Call before each batch's forward pass, while recording and after. */
  select(batch: number): void {
    this.batch = batch;
    this.calls = this.layers.map(() => 0);
    if (!this.pieces[batch]) this.pieces[batch] = this.layers.map(() => []);
  }

  private patch(body: (i: number, x: tf.Tensor, original: () => tf.Tensor | tf.Tensor[]) => tf.Tensor | tf.Tensor[]): void {
    this.layers.forEach(({ layer }, i) => {
      const proto = Object.getPrototypeOf(layer) as { call: Call };
      const call: Call = (inputs, kwargs) => body(i, single(inputs), () => proto.call.call(layer, inputs, kwargs));
      Object.defineProperty(layer, 'call', { value: call, configurable: true, writable: true });
    });
  }

  /** Puts the layers back and frees the recorded pieces. */
  release(): void {
    for (const { layer, own } of this.layers) {
      if (own) Object.defineProperty(layer, 'call', own);
      else delete (layer as unknown as { call?: Call }).call;
    }
    for (const perLayer of this.pieces) for (const calls of perLayer ?? []) for (const p of calls) tf.dispose([p.slope, ...(p.offset ? [p.offset] : [])]);
    this.pieces.length = 0;
  }
}
