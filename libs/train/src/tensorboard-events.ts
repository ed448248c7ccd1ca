// TensorBoard's `Event` protocol buffers (tensorflow/core/util/event.proto, framework/summary.proto), encoded by
// hand: what an events file holds, one per TFRecord. Field numbers are the .proto files'; proto3 fields at their
// default (0) are left out, as protobuf itself writes them.
import { encode, type ProtoWriter } from './protobuf';

/** The first record of every events file: readers check it (TensorBoard purges on restarts from version 2 on). */
export const FILE_VERSION = 'brain.Event:2';

/** A `HistogramProto`: bucket i counts the values in [bucketLimit[i-1], bucketLimit[i]) (the first from -inf). */
export interface Histogram {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  bucketLimit: number[];
  bucket: number[];
}

/** One `Summary.Value`: a scalar (`simple_value`, float32), a histogram, or text (the text plugin's string tensor). */
export type SummaryValue = { tag: string; scalar: number } | { tag: string; histogram: Histogram } | { tag: string; text: string };

const DT_STRING = 7;
const DATA_CLASS_TENSOR = 2;
const SESSION_START = 1;

function nonZeroDouble(w: ProtoWriter, field: number, v: number): void {
  if (v !== 0) w.double(field, v);
}

function eventHeader(w: ProtoWriter, wallTime: number, step: number): void {
  w.double(1, wallTime);
  if (step !== 0) w.varint(2, step);
}

function histogramProto(w: ProtoWriter, h: Histogram): void {
  nonZeroDouble(w, 1, h.min);
  nonZeroDouble(w, 2, h.max);
  nonZeroDouble(w, 3, h.num);
  nonZeroDouble(w, 4, h.sum);
  nonZeroDouble(w, 5, h.sumSquares);
  if (h.bucketLimit.length) w.packedDoubles(6, h.bucketLimit);
  if (h.bucket.length) w.packedDoubles(7, h.bucket);
}

// The text plugin's value: a scalar DT_STRING tensor (an empty TensorShapeProto) and plugin "text" metadata.
function textValue(w: ProtoWriter, text: string): void {
  w.message(8, (t) =>
    t
      .varint(1, DT_STRING)
      .message(2, () => {})
      .string(8, text),
  );
  w.message(9, (m) => m.message(1, (p) => p.string(1, 'text')).varint(4, DATA_CLASS_TENSOR));
}

function summaryValue(w: ProtoWriter, v: SummaryValue): void {
  w.string(1, v.tag);
  if ('scalar' in v) w.float(2, v.scalar);
  else if ('histogram' in v) w.message(5, (h) => histogramProto(h, v.histogram));
  else textValue(w, v.text);
}

/** The `Event` that opens a file: its wall time and `file_version`. */
export function fileVersionEvent(wallTime: number): Uint8Array {
  return encode((w) => {
    eventHeader(w, wallTime, 0);
    w.string(3, FILE_VERSION);
  });
}

/**
 * A `SessionLog` START at `step`: a process that continues a run says so, and TensorBoard drops what an earlier
 * process wrote at `step` or later (epochs trained again after a crash).
 */
export function sessionStartEvent(wallTime: number, step: number): Uint8Array {
  return encode((w) => {
    eventHeader(w, wallTime, step);
    w.message(7, (s) => s.varint(1, SESSION_START));
  });
}

/** An `Event` holding a `Summary` of `values`, at `step`. */
export function summaryEvent(wallTime: number, step: number, values: readonly SummaryValue[]): Uint8Array {
  return encode((w) => {
    eventHeader(w, wallTime, step);
    w.message(5, (summary) => {
      for (const v of values) summary.message(1, (value) => summaryValue(value, v));
    });
  });
}

/**
 * The histogram of `values` over `limits` (ascending; a value goes to the first bucket whose limit is above it,
 * the last limit should exceed every value). Empty buckets are kept, so every histogram of a tag has one shape.
 */
export function histogramOf(values: ArrayLike<number>, limits: readonly number[]): Histogram {
  const bucket = new Array<number>(limits.length).fill(0);
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
    sumSquares += v * v;
    let b = 0;
    while (b < limits.length - 1 && v >= limits[b]) b++;
    bucket[b]++;
  }
  if (!values.length) min = max = 0;
  return { min, max, num: values.length, sum, sumSquares, bucketLimit: [...limits], bucket };
}
