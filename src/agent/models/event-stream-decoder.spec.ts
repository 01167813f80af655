import { describe, expect, it } from 'vitest';
import { EventStreamDecoder } from './event-stream-decoder';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('EventStreamDecoder', () => {
  it('gives each event once its blank line arrives, however the bytes are cut', () => {
    const decoder = new EventStreamDecoder();
    const whole = bytes('data: {"a":"é"}\n\ndata: [DONE]\n\n');
    // Cut inside the two-byte "é" and between the two newlines.
    expect(decoder.decode(whole.slice(0, 13))).toEqual([]);
    expect(decoder.decode(whole.slice(13, 16))).toEqual([]);
    expect(decoder.decode(whole.slice(16))).toEqual(['{"a":"é"}', '[DONE]']);
  });

  it('reads CRLF lines and data without a space, joins multi-line data, skips comments and other fields', () => {
    const decoder = new EventStreamDecoder();
    expect(decoder.decode(bytes(': ping\r\n\r\nevent: x\r\nid: 1\r\ndata:one\r\ndata: two\r\n\r\n'))).toEqual(['one\ntwo']);
  });

  it('gives the event a stream ended in without its blank line', () => {
    const decoder = new EventStreamDecoder();
    expect(decoder.decode(bytes('data: {"done":false}\n\ndata: {"trunc'))).toEqual(['{"done":false}']);
    expect(decoder.end()).toEqual(['{"trunc']);
  });
});
