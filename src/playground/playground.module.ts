import { Module } from '@nestjs/common';
import { DevTokenController } from './dev-token.controller';
import { DevTokens } from './dev-tokens';
import { PlaygroundAssets } from './playground-assets';
import { PlaygroundController } from './playground.controller';

/** The browser playground at `/` and, on a development server, the token it asks for. */
@Module({
  controllers: [PlaygroundController, DevTokenController],
  providers: [DevTokens, { provide: PlaygroundAssets, useValue: new PlaygroundAssets() }],
})
export class PlaygroundModule {}
