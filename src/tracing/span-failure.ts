import { SpanStatusCode, type Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';

/** Status ERROR with our error code as `error.type`, the one low-cardinality field backends group failures by. */
export function markFailed(span: Span, type: string, message: string, error?: unknown): void {
  if (!span.isRecording()) return;
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.setAttribute(ATTR_ERROR_TYPE, type);
  if (error instanceof Error) span.recordException(error);
}
