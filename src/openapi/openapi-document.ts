import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

const DESCRIPTION = [
  'REST API of the Agent Gateway.',
  '',
  'The WebSocket protocols (`/chat`, `/interact`, the interactive sessions) are described by the AsyncAPI document served at ' +
    '[`/asyncapi.yaml`](/asyncapi.yaml).',
  '',
  'Every failure is an `ErrorResponse` with a stable machine-readable `code`; each response lists the codes it can carry. ' +
    'Every response carries `X-Request-Id`, which also appears in the server logs.',
].join('\n');

const REQUEST_ID = 'X-Request-Id';

/** The OpenAPI document served at /docs-json; operation ids are the controller method names. */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Agent Gateway')
    .setDescription(DESCRIPTION)
    .setVersion('0.1.0')
    .addServer('/', 'The server that serves this document')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addTag('auth', 'Who the caller is')
    .addTag('health', 'Liveness and readiness probes; no token needed')
    .addTag('history', 'Stored chat messages and agent steps')
    .addTag('agent', 'Stateless agent runs')
    .addTag('operators', 'Human operators of handed-off /interact conversations')
    .build();
  // package.json's license; DocumentBuilder.setLicense insists on a URL that an unpublished package does not have.
  config.info.license = { name: 'UNLICENSED' };
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method });
  return withRequestId(document);
}

/** The request logger sets X-Request-Id on every response, whichever route or error answered: declared once, referenced everywhere. */
function withRequestId(document: OpenAPIObject): OpenAPIObject {
  const components = (document.components ??= {});
  components.headers = {
    ...components.headers,
    [REQUEST_ID]: {
      description: "The caller's `X-Request-Id` when it is 1–128 letters, digits, `_`, `.` or `-`; a new UUID otherwise",
      required: true,
      schema: { type: 'string', pattern: '^[\\w.-]{1,128}$' },
    },
  };
  components.parameters = {
    ...components.parameters,
    [REQUEST_ID]: {
      name: REQUEST_ID,
      in: 'header',
      required: false,
      description: 'A request id to find this request in the logs by; echoed back when it is safe, replaced otherwise',
      schema: { type: 'string', maxLength: 128, example: 'checkout-7f3a' },
    },
  };
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const) {
      const operation = item[method];
      if (!operation) continue;
      operation.parameters = [...(operation.parameters ?? []), { $ref: `#/components/parameters/${REQUEST_ID}` }];
      for (const response of Object.values(operation.responses)) {
        if (!response || '$ref' in response) continue;
        response.headers = { ...response.headers, [REQUEST_ID]: { $ref: `#/components/headers/${REQUEST_ID}` } };
      }
    }
  }
  return document;
}
