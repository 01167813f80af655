import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { PlaygroundAssets } from './playground-assets';

export const PLAYGROUND_NOT_BUILT = 'playground.not_built';

/** Everything from this origin only: no inline script or style, no frames, no plugins. */
export const PLAYGROUND_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The playground page at `/` and its files under `/playground/`: a web page, not part of the REST API document. */
@ApiExcludeController()
@Controller()
export class PlaygroundController {
  constructor(private readonly assets: PlaygroundAssets) {}

  @Get()
  page(@Res() res: Response): void {
    this.send(res, 'index.html');
  }

  @Get('playground/:file')
  file(@Param('file') file: string, @Res() res: Response): void {
    this.send(res, file);
  }

  private send(res: Response, name: string): void {
    const asset = this.assets.get(name);
    if (!asset) {
      if (name === 'index.html') throw new NotFoundException({ code: PLAYGROUND_NOT_BUILT, message: 'The playground was not built: run node scripts/build-web.mjs' });
      throw new NotFoundException();
    }
    res.set({
      'Content-Type': asset.type,
      'Content-Security-Policy': PLAYGROUND_CSP,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-cache',
    });
    res.send(asset.body);
  }
}
