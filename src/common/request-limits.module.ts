import { Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { refuseDeepBodies } from './deep-body.middleware';

/** Limits every REST request meets before routing: module middleware runs after Nest's body parsers. */
@Module({})
export class RequestLimitsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(refuseDeepBodies).forRoutes('*');
  }
}
