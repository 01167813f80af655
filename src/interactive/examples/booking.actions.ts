import { z } from 'zod';
import { Action, ActionReturn } from '../../agent/actions/action';
import { InteractiveAction } from '../../agent/actions/action.decorators';
import type { InteractiveContext } from '../../agent/actions/interactive-context';

/** The restaurant's front desk: everything goes through reservations (its only child, chosen without asking the model). */
@InteractiveAction({ description: "A restaurant's front desk.", children: () => [Reservations] })
export class FrontDesk extends Action {}

// Declared after its parent: FrontDesk names it lazily.
@InteractiveAction({ description: 'Table reservations: book a table or cancel a booking.', children: () => [BookTable, CancelBooking] })
export class Reservations extends Action {}

const bookTableArgs = z.object({
  people: z.number().int().min(1).max(12).describe('How many people, 1 to 12'),
  name: z.string().min(1).describe('The name the booking is under'),
  requests: z.array(z.string()).default([]).describe('Special requests, one per item, e.g. "high chair"'),
  area: z.enum(['inside', 'terrace']).describe('Where to sit'),
});

const TIME = z.object({ message: z.string().trim().regex(/^([01]?\d|2[0-3]):[0-5]\d$/, 'a time like 19:30') });

@InteractiveAction({ description: 'Books a table.', args: bookTableArgs })
export class BookTable extends Action {
  people!: number;
  name!: string;
  requests!: string[];
  area!: 'inside' | 'terrace';
  private time = '';

  override async pre(context: InteractiveContext): Promise<ActionReturn> {
    const answer = await context.waitForInput({ message: `A table for ${this.people} (${this.area}), under ${this.name}. At what time?` }, { schema: TIME });
    this.time = answer.value.message;
    return ActionReturn.GO;
  }

  override async post(context: InteractiveContext): Promise<ActionReturn> {
    const extras = this.requests.length > 0 ? `, with ${this.requests.join(', ')}` : '';
    const message = `Booked: ${this.people} at ${this.time} on the ${this.area} for ${this.name}${extras}.`;
    await context.addMessage('assistant', message);
    await context.notify({ message, booking: { people: this.people, name: this.name, requests: this.requests, area: this.area, time: this.time } });
    return ActionReturn.GO;
  }
}

@InteractiveAction({ description: 'Cancels the booking under discussion.' })
export class CancelBooking extends Action {
  override async pre(context: InteractiveContext): Promise<ActionReturn> {
    await context.addMessage('assistant', 'Your booking is cancelled.');
    await context.notify({ message: 'Your booking is cancelled.' });
    return ActionReturn.GO;
  }
}
