import { describe, expect, it } from 'vitest';
import { fileVersionEvent, histogramOf, sessionStartEvent, summaryEvent } from './tensorboard-events';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

// The expected bytes are what TensorBoard's own protobuf classes (tensorboard.compat.proto.event_pb2) serialize for
// the same Event: SerializeToString() of event_pb2.Event(...), printed as hex.
describe('TensorBoard events', () => {
  it('encodes the file version event', () => {
    // Event(wall_time=1700000000.5, file_version='brain.Event:2')
    expect(hex(fileVersionEvent(1700000000.5))).toBe('0900002040fc54d9411a0d627261696e2e4576656e743a32');
  });

  it('encodes a SessionLog START', () => {
    // Event(wall_time=1700000000.5, step=300, session_log=SessionLog(status=START))
    expect(hex(sessionStartEvent(1700000000.5, 300))).toBe('0900002040fc54d94110ac023a020801');
  });

  it('encodes scalars as simple_value, a zero one included', () => {
    const e = summaryEvent(1.25, 3, [
      { tag: 'loss/train', scalar: 0.1 },
      { tag: 'z', scalar: 0 },
    ]);
    expect(hex(e)).toBe('09000000000000f43f10032a1d0a110a0a6c6f73732f747261696e15cdcccc3d0a080a017a1500000000');
  });

  it('encodes a HistogramProto', () => {
    const histogram = histogramOf([0, 0.25, 0.5], [0.5, Number.MAX_VALUE]);
    expect(histogram).toEqual({ min: 0, max: 0.5, num: 3, sum: 0.75, sumSquares: 0.3125, bucketLimit: [0.5, Number.MAX_VALUE], bucket: [2, 1] });
    expect(hex(summaryEvent(1.25, 2, [{ tag: 'h', histogram }]))).toBe(
      '09000000000000f43f10022a4f0a4d0a01682a4811000000000000e03f19000000000000084021000000000000e83f29000000000000d43f3210000000000000e03fffffffffffffef7f3a100000000000000040000000000000f03f',
    );
  });

  it("encodes text as the text plugin's string tensor, at step 0 (left out)", () => {
    expect(hex(summaryEvent(1.25, 0, [{ tag: 'config', text: 'é {' }]))).toBe(
      '09000000000000f43f2a220a200a06636f6e666967420a080712004204c3a9207b4a0a0a060a04746578742002',
    );
  });

  it('counts each value in the first bucket whose limit is above it; the last bucket takes the rest', () => {
    expect(histogramOf([-1, 0.1, 0.2, 0.2, 5], [0.2, 1]).bucket).toEqual([2, 3]);
    expect(histogramOf([], [1])).toMatchObject({ num: 0, min: 0, max: 0, bucket: [0] });
  });
});
