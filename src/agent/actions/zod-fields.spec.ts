import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Action } from './action';
import { actionJsonSchema, actionSpec, InteractiveAction } from './action.decorators';

@InteractiveAction({
  description: 'Books a table.',
  args: z.object({
    people: z.number().int().min(1).max(12).describe('How many people'),
    name: z.string().describe('Name for the booking'),
    tags: z.array(z.enum(['window', 'quiet'])).optional().describe('Wishes'),
    contact: z.object({ phone: z.string(), email: z.email().optional() }).describe('Who to call'),
    day: z.iso.date().describe('Which day'),
    sitting: z.enum(['lunch', 'dinner']).default('dinner').describe('Which sitting'),
  }),
})
class BookTable extends Action {
  people!: number;
  name!: string;
}

@InteractiveAction({ description: 'Front desk.', children: () => [BookTable] })
class FrontDesk extends Action {}

describe('zod action declarations', () => {
  it('turn the zod object into the schema the model fills in', () => {
    const schema = actionJsonSchema(actionSpec(BookTable));
    expect(schema).not.toHaveProperty('$schema');
    expect(schema).toMatchObject({
      type: 'object',
      properties: {
        people: { type: 'integer', minimum: 1, maximum: 12, description: 'How many people' },
        name: { type: 'string', description: 'Name for the booking' },
        tags: { type: 'array', items: { type: 'string', enum: ['window', 'quiet'] }, description: 'Wishes' },
        contact: { type: 'object', properties: { phone: { type: 'string' }, email: { type: 'string', format: 'email' } }, required: ['phone'] },
        day: { type: 'string', format: 'date' },
        sitting: { type: 'string', enum: ['lunch', 'dinner'], default: 'dinner' },
      },
      // A field with a default is one the model may leave out.
      required: ['people', 'name', 'contact', 'day'],
      additionalProperties: false,
    });
  });

  it('list the fields from the same shape', () => {
    expect(actionSpec(BookTable).fields.map(({ name, optional }) => [name, optional])).toEqual([
      ['people', false],
      ['name', false],
      ['tags', true],
      ['contact', false],
      ['day', false],
      ['sitting', true],
    ]);
  });

  it('resolve lazy children', () => {
    expect(actionSpec(FrontDesk).children).toEqual([BookTable]);
  });

  it('name the action whose args cannot be written as JSON schema', () => {
    @InteractiveAction({ description: 'Dated.', args: z.object({ when: z.date() }) })
    class Dated extends Action {}
    expect(() => actionSpec(Dated)).toThrow(/^Dated's args cannot be written as JSON schema/);
  });
});
