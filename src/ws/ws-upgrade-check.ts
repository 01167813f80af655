import type { WsConnection } from './ws-connection';

/**
 * A gateway's own refusal rules, run during the upgrade after authentication and before the 101
 * (e.g. chat ownership). Throw a coded error; the HTTP mapping turns it into the response status.
 * Name the class in the gateway options: `@WebSocketGateway({ path, upgradeCheck: MyCheck })`.
 */
export interface WsUpgradeCheck {
  check(connection: WsConnection): Promise<void>;
}
