import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { AppConfig } from '../config/app-config';

/**
 * This app's own provider, never registered as the global one: two apps in one process (the tests) each
 * keep theirs, and a host that registered its own SDK is left alone. Batching, export timeout, headers
 * and compression still follow the standard OTEL_BSP_* and OTEL_EXPORTER_OTLP_* variables.
 */
export function createTracerProvider(settings: NonNullable<AppConfig['tracing']>): BasicTracerProvider {
  // This exporter speaks OTLP/HTTP with JSON bodies, which every OTLP/HTTP receiver accepts.
  const exporter = new OTLPTraceExporter({ url: settings.tracesUrl });
  return new BasicTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName })),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
}
