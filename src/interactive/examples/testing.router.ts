import { Injectable } from '@nestjs/common';
import type { InteractiveContext } from '../../agent/actions/interactive-context';
import { InteractiveAgent, InteractiveRouter } from '../router.decorators';
import { FrontDesk } from './booking.actions';
import { GeneralChat, QuickChat } from './math.actions';

/** The seed's example: WS /base/testing/interactive?message=4x4 */
@Injectable()
@InteractiveRouter('/testing')
export class TestingRouter {
  @InteractiveAgent('/interactive')
  async interactiveChat(context: InteractiveContext): Promise<void> {
    const [action] = await context.start(GeneralChat);
    await context.notify({ event: 'context', data: context.serialize([action]) });
  }

  /** The same with a 1-second answer window that the action handles itself. */
  @InteractiveAgent('/quick')
  async quickChat(context: InteractiveContext): Promise<void> {
    const [action] = await context.start(QuickChat);
    await context.notify({ event: 'context', data: context.serialize([action]) });
  }

  /** A table booking: nested actions, typed arguments, a typed question, a post hook; ends with the tree of what ran. */
  @InteractiveAgent('/booking')
  async booking(context: InteractiveContext): Promise<void> {
    await context.start(FrontDesk);
    await context.notify({ event: 'context', data: context.serialize() });
  }
}
