import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { toHttpError } from './http-error';

/** Every REST failure leaves as one ErrorResponse; unexpected ones are logged with their stack. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  constructor(private readonly metrics: GatewayMetrics) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const request = host.switchToHttp().getRequest<Request & { id?: string }>();
    const response = host.switchToHttp().getResponse<Response>();
    const { status, headers, body } = toHttpError(exception);
    this.metrics.refused('http', body.code);
    // The request id by hand: lines logged deeper in a request do not carry it (see request-logger.ts).
    if (status >= 500 && !(exception instanceof HttpException)) this.logger.error({ err: exception, requestId: request.id });
    if (request.id !== undefined) body.requestId = String(request.id);
    response.status(status).set(headers).json(body);
  }
}
