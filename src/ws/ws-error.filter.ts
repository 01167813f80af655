import { Catch, IntrinsicException, Logger } from '@nestjs/common';
import { BaseWsExceptionFilter } from '@nestjs/websockets';
import type { GatewaySocket } from './gateway-socket';

/**
 * A gateway handler's unexpected error: the client gets Nest's usual `exception` frame, and the stack is logged under
 * the socket's request id. Nest's own filter logs it without one: nothing carries the id across the handler's awaits
 * (an AsyncLocalStorage would, at the price of a promise hook on every `await` of the process).
 */
@Catch()
export class WsErrorFilter extends BaseWsExceptionFilter {
  private static readonly errors = new Logger('WsExceptionsHandler');

  override handleUnknownError<TClient extends Parameters<BaseWsExceptionFilter['handleUnknownError']>[1]>(exception: unknown, client: TClient, data: Parameters<BaseWsExceptionFilter['handleUnknownError']>[2]): void {
    // Every gateway socket is a GatewaySocket (the adapter creates them); another client has no request id to add.
    const scope = (client as Partial<GatewaySocket>).logScope;
    if (!(exception instanceof IntrinsicException)) WsErrorFilter.errors.error({ err: exception, ...scope });
    // The frame is the base class's; an IntrinsicException is one it does not log again.
    super.handleUnknownError(new IntrinsicException(), client, data);
  }
}
