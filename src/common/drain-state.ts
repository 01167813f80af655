import { Injectable } from '@nestjs/common';

/**
 * Set once shutdown begins (GatewayWsAdapter.drain, on SIGTERM): new WebSocket upgrades are refused and
 * `/health/ready` answers 503, so load balancers send new traffic elsewhere while running turns finish here.
 */
@Injectable()
export class DrainState {
  private started = false;

  get draining(): boolean {
    return this.started;
  }

  start(): void {
    this.started = true;
  }
}
