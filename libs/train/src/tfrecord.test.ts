import { describe, expect, it } from 'vitest';
import { tfRecord } from './tfrecord';

describe('tfRecord', () => {
  it("frames data as TensorBoard's RecordWriter does: length, its masked CRC, data, the data's masked CRC", () => {
    // tensorboard.summary.writer.record_writer.RecordWriter(f).write(b'hello')
    expect(tfRecord(Buffer.from('hello')).toString('hex')).toBe('0500000000000000eab2043e68656c6c6fbb1f1c19');
  });

  it('frames an empty record', () => {
    const r = tfRecord(new Uint8Array(0));
    expect(r.length).toBe(16);
    expect(r.readBigUInt64LE(0)).toBe(0n);
    expect(r.readUInt32LE(12)).toBe(0xa282ead8);
  });
});
