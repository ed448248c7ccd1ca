// The inputs the page feeds sugarRelu, shared with the test, which computes Node's reference from the same values,
// and the shape of what the page reports back.

/** ReLU's forward on the values that tell implementations apart: signed zeros, the smallest and largest floats. */
export const RELU_INPUT = [-3.5, -1, -1e-30, -0, 0, 1e-30, 1.17549435e-38, 0.5, 1, 2.75, 3.4e38, -3.4e38, 7, -7];

/** Pre-activations for the gradient, across B-SiLU's curve, and the upstream gradient each is multiplied by. */
export const GRAD_INPUT = Array.from({ length: 64 }, (_, i) => -6 + (12 * i) / 63);
export const GRAD_UPSTREAM = Array.from({ length: 64 }, (_, i) => 0.25 + ((i * 37) % 11) / 10);

export interface PageResult {
  backend: string;
  tfBackend: string;
  describe: string;
  forward: { sugar: number[]; relu: number[]; values: number[] };
  gradient: number[];
  fit: { status: string; error?: string; trainLoss: (number | null)[]; evalAcc: (number | null)[]; deadFraction: number | null };
  figureTraces: number;
  datasets: string[];
  refusals: { logPath: string; mnist: string };
  tensors: number;
}
