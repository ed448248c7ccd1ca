// TensorBoard's `Event` protocol buffers (tensorflow/core/util/event.proto, framework/summary.proto), encoded by
// hand: what an events file holds, one per TFRecord. Field numbers are the .proto files'; proto3 fields at their
// default (0) are left out, as protobuf itself writes them.
import { concat, doubleField, floatField, messageField, packedDoubles, stringField, varintField, type Encoded } from './protobuf';

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

const nonZeroDouble = (field: number, v: number): Encoded[] => (v === 0 ? [] : [doubleField(field, v)]);

function eventFields(wallTime: number, step: number): Encoded[] {
  return [doubleField(1, wallTime), ...(step === 0 ? [] : [varintField(2, step)])];
}

function histogramProto(h: Histogram): Encoded[] {
  return [
    ...nonZeroDouble(1, h.min),
    ...nonZeroDouble(2, h.max),
    ...nonZeroDouble(3, h.num),
    ...nonZeroDouble(4, h.sum),
    ...nonZeroDouble(5, h.sumSquares),
    ...(h.bucketLimit.length ? [packedDoubles(6, h.bucketLimit)] : []),
    ...(h.bucket.length ? [packedDoubles(7, h.bucket)] : []),
  ];
}

// The text plugin's value: a scalar DT_STRING tensor (an empty TensorShapeProto) and plugin "text" metadata.
function textValue(text: string): Encoded[] {
  const tensor = messageField(8, [varintField(1, DT_STRING), messageField(2, []), stringField(8, text)]);
  const metadata = messageField(9, [messageField(1, [stringField(1, 'text')]), varintField(4, DATA_CLASS_TENSOR)]);
  return [tensor, metadata];
}

function summaryValue(v: SummaryValue): Encoded {
  const body = 'scalar' in v ? [floatField(2, v.scalar)] : 'histogram' in v ? [messageField(5, histogramProto(v.histogram))] : textValue(v.text);
  return messageField(1, [stringField(1, v.tag), ...body]);
}

/** The `Event` that opens a file: its wall time and `file_version`. */
export function fileVersionEvent(wallTime: number): Encoded {
  return concat([...eventFields(wallTime, 0), stringField(3, FILE_VERSION)]);
}

/**
 * A `SessionLog` START at `step`: a process that continues a run says so, and TensorBoard drops what an earlier
 * process wrote at `step` or later (epochs trained again after a crash).
 */
export function sessionStartEvent(wallTime: number, step: number): Encoded {
  return concat([...eventFields(wallTime, step), messageField(7, [varintField(1, SESSION_START)])]);
}

/** An `Event` holding a `Summary` of `values`, at `step`. */
export function summaryEvent(wallTime: number, step: number, values: readonly SummaryValue[]): Encoded {
  return concat([...eventFields(wallTime, step), messageField(5, values.map(summaryValue))]);
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
